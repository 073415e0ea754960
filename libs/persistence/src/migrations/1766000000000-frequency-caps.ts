import { MigrationInterface, QueryRunner } from 'typeorm';

/** Frequency caps: how many `bulk` campaign messages one customer gets per local day and per week (null: no cap). */
export class FrequencyCaps1766000000000 implements MigrationInterface {
  name = 'FrequencyCaps1766000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE merchants
        ADD COLUMN bulk_cap_per_day int CHECK (bulk_cap_per_day > 0),
        ADD COLUMN bulk_cap_per_week int CHECK (bulk_cap_per_week > 0)`);
    // The counters' rebuild after a Redis loss reads a merchant's campaign sends from the start of the week.
    await db.query(`CREATE INDEX notifications_capped_sends ON notifications (merchant_id, scheduled_for) WHERE campaign_id IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX notifications_capped_sends`);
    await db.query(`ALTER TABLE merchants DROP COLUMN bulk_cap_per_week, DROP COLUMN bulk_cap_per_day`);
  }
}
