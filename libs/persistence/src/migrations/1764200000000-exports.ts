import { MigrationInterface, QueryRunner } from 'typeorm';

export class Exports1764200000000 implements MigrationInterface {
  name = 'Exports1764200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE export_settings (
        merchant_id uuid PRIMARY KEY REFERENCES merchants(id),
        enabled boolean NOT NULL,
        recipients text[] NOT NULL,
        local_time text NOT NULL CHECK (local_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
        -- Null: the merchant's own time zone.
        timezone text,
        -- When automatic exports were last switched on: days that fell due before are not caught up.
        enabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE export_ledger (
        id uuid PRIMARY KEY,
        merchant_id uuid NOT NULL REFERENCES merchants(id),
        day date NOT NULL,
        kind text NOT NULL CHECK (kind IN ('daily', 'resend')),
        state text NOT NULL CHECK (state IN ('pending', 'claimed', 'sending', 'sent', 'failed')),
        recipients text[] NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        -- Pending: not before this time (a transient failure waits for its backoff).
        retry_at timestamptz,
        -- Claimed or sending: who holds the day, under which claim, until when.
        claim_id uuid,
        claimed_by text,
        claimed_at timestamptz,
        lease_until timestamptz,
        -- Set when a worker died during the provider call and the day was sent again: the first call may have gone out.
        possible_duplicate boolean NOT NULL DEFAULT false,
        order_count int,
        file_name text,
        file_bytes int,
        provider text,
        message_id text,
        sent_at timestamptz,
        error_code text,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One automatic export per merchant-local day; resends are entries of their own, as many as asked for.
    await db.query(`CREATE UNIQUE INDEX export_ledger_daily ON export_ledger (merchant_id, day) WHERE kind = 'daily'`);
    await db.query(`CREATE INDEX export_ledger_merchant_day ON export_ledger (merchant_id, day DESC, created_at)`);
    await db.query(`CREATE INDEX export_ledger_unfinished ON export_ledger (merchant_id) WHERE state IN ('pending', 'claimed', 'sending')`);
    // A day's file reads the merchant's orders by creation time.
    await db.query(`CREATE INDEX orders_merchant_created ON orders (merchant_id, created_at, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX orders_merchant_created');
    await db.query('DROP TABLE export_ledger');
    await db.query('DROP TABLE export_settings');
  }
}
