import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention: each merchant says how long its finished orders are kept (`retention`, an ISO 8601 duration), and a
 * daily purge across all workers deletes what is older. `retention_runs` is that purge's ledger: one row per UTC day,
 * claimed by one worker at a time under a lease (as `export_ledger` does for a day's file), holding how far the purge
 * got, so a worker that dies mid-run is taken over where it stopped.
 *
 * Deleting an event makes Postgres check that no webhook delivery still points at it: `webhook_deliveries_event` lets
 * that check, and the purge's own delete of deliveries by event, use an index (the unique (merchant_id, event_id) one
 * cannot: the check looks up by event alone).
 */
export class Retention1765600000000 implements MigrationInterface {
  name = 'Retention1765600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE merchants ADD COLUMN retention text NOT NULL DEFAULT 'P90D'`);
    await db.query(`
      CREATE TABLE retention_runs (
        day date PRIMARY KEY,
        -- superseded: its worker died, and no tick took it over before the next day's run began.
        state text NOT NULL CHECK (state IN ('running', 'done', 'superseded')),
        -- Claims of the day: 1 unless a worker died holding it (or lost it when its lease ran out).
        attempts int NOT NULL DEFAULT 1,
        claim_id uuid NOT NULL,
        claimed_by text NOT NULL,
        lease_until timestamptz,
        -- Which slice of the run comes next: a slice whose number is not this one is a stale job, and does nothing.
        slice int NOT NULL DEFAULT 0,
        -- Where the purge has got to: the merchant, what of it (orders, then export days), and the last row looked at.
        position jsonb,
        -- Rows and files deleted so far, by kind.
        purged jsonb NOT NULL DEFAULT '{}',
        -- Retention counts back from here, however long the run takes or however often it is taken over.
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await db.query(`CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX webhook_deliveries_event`);
    await db.query(`DROP TABLE retention_runs`);
    await db.query(`ALTER TABLE merchants DROP COLUMN retention`);
  }
}
