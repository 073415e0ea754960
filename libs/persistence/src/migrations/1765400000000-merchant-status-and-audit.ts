import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operators: a merchant can be disabled (its keys refused, its sends held), and every admin action is written to
 * `audit_entries`, which only ever grows: a trigger refuses UPDATE, DELETE and TRUNCATE, whoever asks.
 */
export class MerchantStatusAndAudit1765400000000 implements MigrationInterface {
  name = 'MerchantStatusAndAudit1765400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE merchants ADD COLUMN disabled_at timestamptz`);
    await db.query(`CREATE INDEX merchants_created ON merchants (created_at, id)`);
    await db.query(`
      CREATE TABLE audit_entries (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor text NOT NULL,
        action text NOT NULL,
        subject text,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await db.query(`CREATE INDEX audit_entries_created ON audit_entries (created_at, id)`);
    await db.query(`
      CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_entries is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await db.query(`
      CREATE TRIGGER audit_entries_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_entries
      FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()`);
    await db.query(`
      CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
      FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_entries`);
    await db.query(`DROP FUNCTION audit_entries_append_only()`);
    await db.query(`DROP INDEX merchants_created`);
    await db.query(`ALTER TABLE merchants DROP COLUMN disabled_at`);
  }
}
