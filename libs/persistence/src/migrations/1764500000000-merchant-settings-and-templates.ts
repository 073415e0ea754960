import { MigrationInterface, QueryRunner } from 'typeorm';

const LOCAL_TIME = `'^([01][0-9]|2[0-3]):[0-5][0-9]$'`;

/** A reminder policy in columns: a lead time (`before`), or a wall-clock time some days before (`days_before`, `at`). */
const reminderPolicyCheck = (before: string, daysBefore: string, at: string) =>
  `CHECK ((${before} IS NOT NULL AND ${daysBefore} IS NULL AND ${at} IS NULL)
      OR (${before} IS NULL AND ${daysBefore} IS NOT NULL AND ${at} IS NOT NULL AND ${daysBefore} >= 0 AND ${at} ~ ${LOCAL_TIME}))`;

export class MerchantSettingsAndTemplates1764500000000 implements MigrationInterface {
  name = 'MerchantSettingsAndTemplates1764500000000';

  async up(db: QueryRunner): Promise<void> {
    // Merchant settings. Existing merchants keep their lead time as their policy, no quiet hours, English, the
    // platform's senders.
    await db.query(`
      ALTER TABLE merchants
        ALTER COLUMN default_reminder_before DROP NOT NULL,
        ADD COLUMN default_reminder_days_before int,
        ADD COLUMN default_reminder_at text,
        ADD COLUMN default_locale text NOT NULL DEFAULT 'en',
        ADD COLUMN quiet_hours_start text,
        ADD COLUMN quiet_hours_end text,
        ADD COLUMN sms_from text,
        ADD COLUMN email_sender_name text,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
        ADD CONSTRAINT merchants_reminder_policy ${reminderPolicyCheck('default_reminder_before', 'default_reminder_days_before', 'default_reminder_at')},
        ADD CONSTRAINT merchants_quiet_hours CHECK ((quiet_hours_start IS NULL AND quiet_hours_end IS NULL)
          OR (quiet_hours_start IS NOT NULL AND quiet_hours_end IS NOT NULL
              AND quiet_hours_start ~ ${LOCAL_TIME} AND quiet_hours_end ~ ${LOCAL_TIME} AND quiet_hours_start <> quiet_hours_end))`);
    // A number is one shop's: its opt-outs are that number's, and no other merchant may send as it.
    await db.query(`CREATE UNIQUE INDEX merchants_sms_from ON merchants (sms_from) WHERE sms_from IS NOT NULL`);

    // The policy an order was planned with, so a later change of the merchant's policy leaves it be.
    await db.query(`
      ALTER TABLE orders
        ALTER COLUMN reminder_before DROP NOT NULL,
        ADD COLUMN reminder_days_before int,
        ADD COLUMN reminder_at text,
        ADD CONSTRAINT orders_reminder_policy ${reminderPolicyCheck('reminder_before', 'reminder_days_before', 'reminder_at')}`);

    // How an SMS travelled, once its text was rendered and sent.
    await db.query(`
      ALTER TABLE notifications
        ADD COLUMN encoding text CHECK (encoding IN ('GSM-7', 'UCS-2')),
        ADD COLUMN segments int CHECK (segments > 0)`);

    await db.query(`
      CREATE TABLE message_templates (
        id uuid PRIMARY KEY,
        merchant_id uuid NOT NULL REFERENCES merchants(id),
        kind text NOT NULL CHECK (kind IN ('confirmation', 'reminder', 'reminder_moved', 'campaign')),
        locale text NOT NULL,
        -- NULL: for every channel; a channel's own template wins over it.
        channel text CHECK (channel IN ('sms', 'email')),
        subject text,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX message_templates_identity ON message_templates (merchant_id, kind, locale, coalesce(channel, ''))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE message_templates');
    await db.query('ALTER TABLE notifications DROP COLUMN encoding, DROP COLUMN segments');
    // Going back loses wall-clock policies' time of day: they become whole days before pickup.
    await db.query('ALTER TABLE orders DROP CONSTRAINT orders_reminder_policy');
    await db.query(`UPDATE orders SET reminder_before = 'P' || reminder_days_before || 'D' WHERE reminder_before IS NULL`);
    await db.query('ALTER TABLE orders DROP COLUMN reminder_days_before, DROP COLUMN reminder_at, ALTER COLUMN reminder_before SET NOT NULL');
    await db.query('DROP INDEX merchants_sms_from');
    await db.query('ALTER TABLE merchants DROP CONSTRAINT merchants_reminder_policy, DROP CONSTRAINT merchants_quiet_hours');
    await db.query(`UPDATE merchants SET default_reminder_before = 'P' || default_reminder_days_before || 'D' WHERE default_reminder_before IS NULL`);
    await db.query(`
      ALTER TABLE merchants
        DROP COLUMN default_reminder_days_before, DROP COLUMN default_reminder_at, DROP COLUMN default_locale,
        DROP COLUMN quiet_hours_start, DROP COLUMN quiet_hours_end, DROP COLUMN sms_from, DROP COLUMN email_sender_name,
        DROP COLUMN updated_at, ALTER COLUMN default_reminder_before SET NOT NULL`);
  }
}
