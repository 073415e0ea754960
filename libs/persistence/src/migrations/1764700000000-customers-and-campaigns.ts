import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customers become addressable (a preferred channel; email consent per merchant, as SMS consent is per sender), a
 * notification names its customer, the campaign it belongs to and the failed notification it stands in for, and
 * campaigns keep their audience and how far their fan-out got.
 */
export class CustomersAndCampaigns1764700000000 implements MigrationInterface {
  name = 'CustomersAndCampaigns1764700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE customers ADD COLUMN preferred_channel text CHECK (preferred_channel IN ('sms', 'email'))`);
    // The fan-out walks a merchant's customers in id order.
    await db.query(`CREATE INDEX customers_merchant ON customers (merchant_id, id)`);
    // A customer who unsubscribed (or reported spam) from one merchant's mail, or whose merchant withdrew the consent.
    await db.query(`
      CREATE TABLE email_opt_outs (
        merchant_id uuid NOT NULL REFERENCES merchants(id),
        email text NOT NULL,
        source text NOT NULL,
        opted_out_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (merchant_id, email)
      )`);
    await db.query(`
      CREATE TABLE campaigns (
        id uuid PRIMARY KEY,
        merchant_id uuid NOT NULL REFERENCES merchants(id),
        name text NOT NULL,
        subject text,
        -- NULL: the merchant's campaign template, rendered for each customer.
        body text,
        locale text,
        -- NULL: every customer of the merchant.
        customer_ids uuid[],
        send_at timestamptz,
        scheduled_for timestamptz NOT NULL,
        -- The fan-out's progress: the last customer it resolved, and the customers it skipped by reason.
        fanout_cursor uuid,
        fanned_out_at timestamptz,
        skipped jsonb NOT NULL DEFAULT '{}',
        cancelled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX campaigns_merchant_page ON campaigns (merchant_id, created_at DESC, id DESC)`);
    await db.query(`
      ALTER TABLE notifications
        ADD COLUMN customer_id uuid REFERENCES customers(id),
        ADD COLUMN campaign_id uuid REFERENCES campaigns(id),
        ADD COLUMN fallback_for_id uuid REFERENCES notifications(id)`);
    await db.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check`);
    await db.query(`ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('confirmation', 'reminder', 'message', 'campaign'))`);
    // One send per customer and campaign (a retried fan-out adds nothing), one fallback per failed notification.
    await db.query(`CREATE UNIQUE INDEX notifications_campaign_customer ON notifications (campaign_id, customer_id) WHERE campaign_id IS NOT NULL AND fallback_for_id IS NULL`);
    await db.query(`CREATE INDEX notifications_campaign_status ON notifications (campaign_id, status) WHERE campaign_id IS NOT NULL`);
    await db.query(`CREATE UNIQUE INDEX notifications_fallback ON notifications (fallback_for_id) WHERE fallback_for_id IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM notification_events WHERE notification_id IN (SELECT id FROM notifications WHERE kind = 'campaign')`);
    await db.query(`DELETE FROM notifications WHERE kind = 'campaign'`);
    await db.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check`);
    await db.query(`ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('confirmation', 'reminder', 'message'))`);
    await db.query(`ALTER TABLE notifications DROP COLUMN fallback_for_id, DROP COLUMN campaign_id, DROP COLUMN customer_id`);
    await db.query(`DROP TABLE campaigns`);
    await db.query(`DROP TABLE email_opt_outs`);
    await db.query(`DROP INDEX customers_merchant`);
    await db.query(`ALTER TABLE customers DROP COLUMN preferred_channel`);
  }
}
