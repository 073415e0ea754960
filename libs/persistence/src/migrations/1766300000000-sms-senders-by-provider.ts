import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A merchant's own SMS numbers at each provider (`{"vonage": "+33757000002"}`): with several SMS providers, a send goes
 * out from the merchant's number at the provider that carries it, `sms_from` where it has none there.
 */
export class SmsSendersByProvider1766300000000 implements MigrationInterface {
  name = 'SmsSendersByProvider1766300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE merchants
        ADD COLUMN sms_from_by_provider jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(sms_from_by_provider) = 'object')`);
    // An inbound STOP to one of these numbers finds its merchant: `sms_from_by_provider @> {"vonage": number}`.
    await db.query(`CREATE INDEX merchants_sms_from_by_provider ON merchants USING gin (sms_from_by_provider jsonb_path_ops)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX merchants_sms_from_by_provider`);
    await db.query(`ALTER TABLE merchants DROP COLUMN sms_from_by_provider`);
  }
}
