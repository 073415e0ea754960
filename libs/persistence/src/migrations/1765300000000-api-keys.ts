import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A merchant's API keys move from one column of `merchants` to a table of their own: several keys per merchant, each
 * with a name, a scope and when it was last used, each revocable. The key every merchant has so far becomes its
 * `initial` key, with scope `full`, and keeps working.
 */
export class ApiKeys1765300000000 implements MigrationInterface {
  name = 'ApiKeys1765300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        merchant_id uuid NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
        name text NOT NULL,
        scope text NOT NULL CHECK (scope IN ('full', 'read')),
        key_hash text NOT NULL UNIQUE,
        key_prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz
      )`);
    await db.query(`CREATE INDEX api_keys_merchant_created ON api_keys (merchant_id, created_at, id)`);
    await db.query(`
      INSERT INTO api_keys (id, merchant_id, name, scope, key_hash, key_prefix, created_at)
      SELECT gen_random_uuid(), id, 'initial', 'full', api_key_hash, api_key_prefix, created_at FROM merchants`);
    await db.query(`ALTER TABLE merchants DROP COLUMN api_key_hash, DROP COLUMN api_key_prefix`);
  }

  /** Each merchant keeps its oldest full key; a merchant left with none has no key until an operator gives it one. */
  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE merchants ADD COLUMN api_key_hash text UNIQUE, ADD COLUMN api_key_prefix text`);
    await db.query(`
      UPDATE merchants m SET api_key_hash = k.key_hash, api_key_prefix = k.key_prefix
      FROM (SELECT DISTINCT ON (merchant_id) merchant_id, key_hash, key_prefix FROM api_keys WHERE scope = 'full' ORDER BY merchant_id, created_at) k
      WHERE k.merchant_id = m.id`);
    await db.query(`DROP TABLE api_keys`);
  }
}
