import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A merchant's own withdrawal of a customer's consent moves out of the customers' opt-out lists into a table of its
 * own, keyed by the merchant: it holds for that merchant alone, and taking it back never lifts the customer's own STOP
 * or unsubscribe. `opt_outs` (per sender) and `email_opt_outs` (per merchant) keep only what the customer asked for.
 */
export class ConsentWithdrawals1764830000000 implements MigrationInterface {
  name = 'ConsentWithdrawals1764830000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE consent_withdrawals (
        merchant_id uuid NOT NULL REFERENCES merchants(id),
        channel text NOT NULL CHECK (channel IN ('sms', 'email')),
        contact text NOT NULL,
        withdrawn_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (merchant_id, channel, contact)
      )`);
    await db.query(`
      INSERT INTO consent_withdrawals (merchant_id, channel, contact, withdrawn_at)
      SELECT merchant_id, 'email', email, opted_out_at FROM email_opt_outs WHERE source = 'merchant'`);
    await db.query(`DELETE FROM email_opt_outs WHERE source = 'merchant'`);
    // An SMS row named its sender, not its merchant: it goes to every merchant it stopped, i.e. each merchant with a
    // customer at that phone sending from that sender: its own number, or (a sender that is no merchant's own number
    // being the platform's) the platform's. The platform's number is configuration, unknown here. A row no merchant
    // can be found for stays where it is, applying to the whole sender as before.
    const appliesTo = `
      FROM customers c JOIN merchants m ON m.id = c.merchant_id
      WHERE c.phone = o.phone
        AND (m.sms_from = o.sender OR (m.sms_from IS NULL AND NOT EXISTS (SELECT 1 FROM merchants own WHERE own.sms_from = o.sender)))`;
    await db.query(`
      INSERT INTO consent_withdrawals (merchant_id, channel, contact, withdrawn_at)
      SELECT owner.merchant_id, 'sms', o.phone, o.opted_out_at FROM opt_outs o JOIN LATERAL (SELECT c.merchant_id ${appliesTo}) owner ON true
      WHERE o.source = 'merchant'
      ON CONFLICT DO NOTHING`);
    await db.query(`DELETE FROM opt_outs o WHERE o.source = 'merchant' AND EXISTS (SELECT 1 ${appliesTo})`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      INSERT INTO email_opt_outs (merchant_id, email, source, opted_out_at)
      SELECT merchant_id, contact, 'merchant', withdrawn_at FROM consent_withdrawals WHERE channel = 'email'
      ON CONFLICT DO NOTHING`);
    // Back onto the merchant's own number; a withdrawal of a merchant sending from the platform's number is lost, since
    // that number is configuration this migration cannot read.
    await db.query(`
      INSERT INTO opt_outs (sender, phone, source, opted_out_at)
      SELECT m.sms_from, w.contact, 'merchant', w.withdrawn_at FROM consent_withdrawals w JOIN merchants m ON m.id = w.merchant_id
      WHERE w.channel = 'sms' AND m.sms_from IS NOT NULL
      ON CONFLICT DO NOTHING`);
    await db.query('DROP TABLE consent_withdrawals');
  }
}
