import { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables whose rows belong either to the merchant's live data or to what its test keys made. */
const SPLIT_TABLES = ['customers', 'orders', 'campaigns', 'notifications', 'notification_events', 'consent_withdrawals'];

/**
 * Test keys (scope `test`): what a test key makes (customers, orders, campaigns, notifications and their events, a
 * merchant's withdrawal of a test customer's consent) is marked `test`, a world apart from the merchant's live data.
 * A reference or a contact is unique within its world, so a test order never collides with, nor reveals, a live one.
 * An event carries its notification's mark, so each world's feed is one index range. Every existing row is live.
 * The partial indexes serve the test world's pages; live pages keep the indexes they had.
 */
export class TestKeys1765700000000 implements MigrationInterface {
  name = 'TestKeys1765700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_scope_check`);
    await db.query(`ALTER TABLE api_keys ADD CONSTRAINT api_keys_scope_check CHECK (scope IN ('full', 'read', 'test'))`);
    // A constant default adds the column without rewriting the table.
    for (const table of SPLIT_TABLES) await db.query(`ALTER TABLE ${table} ADD COLUMN test boolean NOT NULL DEFAULT false`);

    await db.query(`ALTER TABLE orders DROP CONSTRAINT orders_merchant_id_reference_key`);
    await db.query(`CREATE UNIQUE INDEX orders_merchant_reference ON orders (merchant_id, test, reference)`);
    await db.query(`DROP INDEX customers_identity`);
    await db.query(`CREATE UNIQUE INDEX customers_identity ON customers (merchant_id, test, coalesce(phone, ''), coalesce(email, ''))`);
    await db.query(`ALTER TABLE consent_withdrawals DROP CONSTRAINT consent_withdrawals_pkey`);
    await db.query(`ALTER TABLE consent_withdrawals ADD PRIMARY KEY (merchant_id, test, channel, contact)`);

    await db.query(`CREATE INDEX orders_test_created ON orders (merchant_id, created_at, id) WHERE test`);
    await db.query(`CREATE INDEX customers_test_created ON customers (merchant_id, created_at, id) WHERE test`);
    await db.query(`CREATE INDEX customers_test ON customers (merchant_id, id) WHERE test`);
    await db.query(`CREATE INDEX campaigns_test_page ON campaigns (merchant_id, created_at DESC, id DESC) WHERE test`);
    await db.query(`CREATE INDEX notifications_test_page ON notifications (merchant_id, created_at DESC, id DESC) WHERE test`);
    await db.query(`CREATE INDEX notification_events_test_feed ON notification_events (merchant_id, order_xid, id) WHERE test`);
  }

  /** What test keys made goes with them: the live data is as it was. */
  async down(db: QueryRunner): Promise<void> {
    for (const index of ['notification_events_test_feed', 'notifications_test_page', 'campaigns_test_page', 'customers_test', 'customers_test_created', 'orders_test_created']) {
      await db.query(`DROP INDEX ${index}`);
    }
    await db.query(`DELETE FROM webhook_deliveries WHERE event_id IN (SELECT id FROM notification_events WHERE test)`);
    await db.query(`DELETE FROM notification_events WHERE test`);
    // A fallback points at the notification it replaces, and may be removed before it.
    await db.query(`UPDATE notifications SET fallback_for_id = NULL WHERE test`);
    await db.query(`DELETE FROM notifications WHERE test`);
    await db.query(`DELETE FROM campaigns WHERE test`);
    await db.query(`DELETE FROM orders WHERE test`);
    await db.query(`DELETE FROM customers WHERE test`);
    await db.query(`DELETE FROM consent_withdrawals WHERE test`);
    await db.query(`DELETE FROM api_keys WHERE scope = 'test'`);

    await db.query(`ALTER TABLE consent_withdrawals DROP CONSTRAINT consent_withdrawals_pkey`);
    await db.query(`ALTER TABLE consent_withdrawals ADD PRIMARY KEY (merchant_id, channel, contact)`);
    await db.query(`DROP INDEX customers_identity`);
    await db.query(`CREATE UNIQUE INDEX customers_identity ON customers (merchant_id, coalesce(phone, ''), coalesce(email, ''))`);
    await db.query(`DROP INDEX orders_merchant_reference`);
    await db.query(`ALTER TABLE orders ADD CONSTRAINT orders_merchant_id_reference_key UNIQUE (merchant_id, reference)`);
    for (const table of SPLIT_TABLES) await db.query(`ALTER TABLE ${table} DROP COLUMN test`);
    await db.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_scope_check`);
    await db.query(`ALTER TABLE api_keys ADD CONSTRAINT api_keys_scope_check CHECK (scope IN ('full', 'read'))`);
  }
}
