import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE merchants (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        timezone text NOT NULL,
        default_reminder_before text NOT NULL,
        api_key_hash text NOT NULL UNIQUE,
        api_key_prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE customers (
        id uuid PRIMARY KEY,
        merchant_id uuid NOT NULL REFERENCES merchants(id),
        name text,
        phone text,
        email text,
        locale text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX customers_identity ON customers (merchant_id, coalesce(phone, ''), coalesce(email, ''))`);
    await db.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        merchant_id uuid NOT NULL REFERENCES merchants(id),
        customer_id uuid NOT NULL REFERENCES customers(id),
        reference text NOT NULL,
        pickup_at timestamptz NOT NULL,
        reminder_before text NOT NULL,
        channels text[] NOT NULL,
        status text NOT NULL CHECK (status IN ('active', 'cancelled')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (merchant_id, reference)
      )`);
    await db.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY,
        merchant_id uuid NOT NULL REFERENCES merchants(id),
        order_id uuid REFERENCES orders(id),
        kind text NOT NULL CHECK (kind IN ('confirmation', 'reminder', 'message')),
        channel text NOT NULL CHECK (channel IN ('sms', 'email')),
        priority text NOT NULL CHECK (priority IN ('critical', 'bulk')),
        recipient text NOT NULL,
        locale text NOT NULL,
        subject text,
        body text,
        status text NOT NULL CHECK (status IN
          ('scheduled', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'cancelled', 'skipped', 'dead')),
        status_reason text,
        scheduled_for timestamptz NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        provider text,
        provider_message_id text,
        last_error text,
        last_error_code text,
        sent_at timestamptz,
        -- Millisecond precision, so the (created_at, id) page cursor round-trips through JSON exactly.
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX notifications_merchant_page ON notifications (merchant_id, created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX notifications_order ON notifications (order_id) WHERE order_id IS NOT NULL`);
    await db.query(
      `CREATE INDEX notifications_pending ON notifications (scheduled_for) WHERE status IN ('scheduled', 'queued', 'sending')`,
    );
    await db.query(`CREATE INDEX notifications_provider_message ON notifications (provider_message_id) WHERE provider_message_id IS NOT NULL`);
    await db.query(`
      CREATE TABLE notification_events (
        id bigserial PRIMARY KEY,
        notification_id uuid NOT NULL REFERENCES notifications(id),
        status text NOT NULL,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        detail jsonb
      )`);
    await db.query(`CREATE INDEX notification_events_history ON notification_events (notification_id, id)`);
    await db.query(`
      CREATE TABLE idempotency_keys (
        scope text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        response_status int,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['idempotency_keys', 'notification_events', 'notifications', 'orders', 'customers', 'merchants']) {
      await db.query(`DROP TABLE ${table}`);
    }
  }
}
