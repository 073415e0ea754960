import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Live events: every history row carries its merchant and an ordering key, so a merchant's feed is one index range
 * scan; and the merchant's signed webhook with its deliveries.
 *
 * `order_xid` is the id of the transaction that wrote the event, or a later one's when an earlier status of the same
 * notification was written by a transaction with a higher id (`notifications.last_event_xid` carries it forward).
 * Readers serve events in (order_xid, id) order and only below the oldest transaction still running (see
 * EventLogRepository's VISIBILITY_HORIZON): every event below that line is committed or gone for good, so a reader that
 * moved past it never misses one that commits later, and the events of one notification come out in the order they
 * were written.
 */
export class LiveEvents1764600000000 implements MigrationInterface {
  name = 'LiveEvents1764600000000';

  async up(db: QueryRunner): Promise<void> {
    // A stable default is evaluated once: existing rows share this migration's transaction id, without a table rewrite.
    await db.query(`ALTER TABLE notifications ADD COLUMN last_event_xid xid8 NOT NULL DEFAULT pg_current_xact_id()`);
    await db.query(`ALTER TABLE notification_events ADD COLUMN merchant_id uuid, ADD COLUMN order_xid xid8 NOT NULL DEFAULT pg_current_xact_id()`);
    await db.query(`UPDATE notification_events e SET merchant_id = n.merchant_id FROM notifications n WHERE n.id = e.notification_id`);
    await db.query(`ALTER TABLE notification_events ALTER COLUMN merchant_id SET NOT NULL`);
    await db.query(`CREATE INDEX notification_events_feed ON notification_events (merchant_id, order_xid, id)`);

    await db.query(`
      CREATE TABLE webhook_endpoints (
        merchant_id uuid PRIMARY KEY REFERENCES merchants(id),
        url text NOT NULL,
        -- Statuses to deliver; NULL means all of them.
        statuses text[],
        -- The signing secret, encrypted with a key derived from SECRET_KEY (AES-256-GCM: iv, tag, ciphertext).
        secret bytea NOT NULL,
        -- Where the dispatcher has read the merchant's events up to.
        cursor_xid xid8 NOT NULL,
        cursor_id bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY,
        merchant_id uuid NOT NULL REFERENCES merchants(id),
        event_id bigint NOT NULL REFERENCES notification_events(id),
        status text NOT NULL CHECK (status IN ('pending', 'delivered', 'dead', 'cancelled')),
        -- One entry per HTTP attempt: {at, url, durationMs, statusCode?, error?}.
        attempts jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (merchant_id, event_id)
      )`);
    await db.query(`CREATE INDEX webhook_deliveries_page ON webhook_deliveries (merchant_id, created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (created_at) WHERE status = 'pending'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE webhook_deliveries');
    await db.query('DROP TABLE webhook_endpoints');
    await db.query('DROP INDEX notification_events_feed');
    await db.query('ALTER TABLE notification_events DROP COLUMN order_xid, DROP COLUMN merchant_id');
    await db.query('ALTER TABLE notifications DROP COLUMN last_event_xid');
  }
}
