import { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables whose channel column names a channel, and the column. */
const CHANNEL_COLUMNS = [
  ['notifications', 'channel'],
  ['message_templates', 'channel'],
  ['customers', 'preferred_channel'],
  ['consent_withdrawals', 'channel'],
] as const;

/**
 * WhatsApp, through Twilio, becomes a channel. A merchant's WhatsApp template may name the Twilio Content template
 * (`content_sid`, `HX…`) that business-initiated messages must use, with the variables that fill its `{{1}}`, `{{2}}`…
 * in order. `whatsapp_sessions` keeps when each customer last wrote to a WhatsApp sender: within 24 hours of it,
 * WhatsApp lets a free-form message through (the session window); it is the source of truth for that rule.
 */
export class WhatsApp1766400000000 implements MigrationInterface {
  name = 'WhatsApp1766400000000';

  async up(db: QueryRunner): Promise<void> {
    for (const [table, column] of CHANNEL_COLUMNS) {
      await db.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_${column}_check`);
      await db.query(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_${column}_check CHECK (${column} IN ('sms', 'email', 'whatsapp'))`);
    }
    await db.query(`ALTER TABLE message_templates ADD COLUMN content_sid text CHECK (content_sid ~ '^HX[0-9a-fA-F]{32}$')`);
    await db.query(`ALTER TABLE message_templates ADD COLUMN content_variables text[]`);
    await db.query(`
      CREATE TABLE whatsapp_sessions (
        sender text NOT NULL,
        phone text NOT NULL,
        last_inbound_at timestamptz NOT NULL,
        PRIMARY KEY (sender, phone)
      )`);
  }

  /** WhatsApp rows already written stay (the old checks come back NOT VALID, for new rows only): nothing is lost. */
  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE whatsapp_sessions');
    await db.query('ALTER TABLE message_templates DROP COLUMN content_variables');
    await db.query('ALTER TABLE message_templates DROP COLUMN content_sid');
    for (const [table, column] of CHANNEL_COLUMNS) {
      await db.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_${column}_check`);
      await db.query(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_${column}_check CHECK (${column} IN ('sms', 'email')) NOT VALID`);
    }
  }
}
