import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { NotificationStatus } from '../entities';

/** What a purge deleted, by kind: rows of each table, and the files the email driver kept of sent exports. */
export interface PurgeCounts {
  orders: number;
  notifications: number;
  events: number;
  webhookDeliveries: number;
  exportDays: number;
  exportFiles: number;
}

export const NO_PURGE: PurgeCounts = { orders: 0, notifications: 0, events: 0, webhookDeliveries: 0, exportDays: 0, exportFiles: 0 };

/**
 * Where a run has got to: which merchant, what of it (its orders, then its export days; `done` once both are), the last
 * order looked at (`pickupAt` exactly as Postgres holds it, to the microsecond) and what was purged of that merchant.
 */
export interface PurgePosition {
  merchantId: string;
  phase: 'orders' | 'exports' | 'done';
  after: { pickupAt: string; id: string } | null;
  purged: PurgeCounts;
}

/** One day's purge, as its ledger row holds it. */
export interface RetentionRun {
  day: string;
  /** `superseded`: its worker died and the next day's run took its place. */
  state: 'running' | 'done' | 'superseded';
  attempts: number;
  claimId: string;
  claimedBy: string;
  slice: number;
  position: PurgePosition | null;
  purged: PurgeCounts;
  startedAt: Date;
  finishedAt: Date | null;
}

/** A worker's hold on a run: every write it makes checks all of it, so a worker that lost the run writes nothing. */
export interface HeldRun {
  day: string;
  claimId: string;
  slice: number;
  leaseMs: number;
}

/** What a run writes down with each batch: where it has got to, and its totals. */
export interface RunProgress {
  position: PurgePosition | null;
  purged: PurgeCounts;
}

/** A merchant as the purge needs it: its retention, and the zone its export days are counted in. */
export interface MerchantRetention {
  id: string;
  retention: string;
  exportZone: string;
}

/** One batch of a merchant's orders: the first `limit` picked up before `cutoff`, after `after`. */
export interface OrdersBatch {
  merchantId: string;
  cutoff: Date;
  after: { pickupAt: string; id: string } | null;
  limit: number;
  finalStatuses: readonly NotificationStatus[];
}

export interface OrdersPurged {
  orders: number;
  notifications: number;
  events: number;
  webhookDeliveries: number;
  /** Orders looked at: fewer than the limit means the merchant has no more orders past its retention. */
  scanned: number;
  /** The last order looked at, where the next batch starts. */
  last: { pickupAt: string; id: string } | null;
}

/** A finished export of a day past retention, with what its email driver may have kept of it. */
export interface PastExport {
  id: string;
  provider: string | null;
  messageId: string | null;
}

const RUN_COLUMNS = `day::text AS day, state, attempts, claim_id AS "claimId", claimed_by AS "claimedBy", slice, position, purged,
  started_at AS "startedAt", finished_at AS "finishedAt"`;

const reviveRun = (row: RetentionRun): RetentionRun => ({ ...row, purged: { ...NO_PURGE, ...row.purged } });

/**
 * One statement per batch of orders, so its deletes commit together: an order goes with all its notifications, their
 * history events and the webhook deliveries of those events, or not at all. Orders a request holds (a PATCH) are
 * skipped; the notifications of the rest are locked, so one cannot leave a final status (an operator's redrive of a
 * dead one) while the batch decides. Every lookup and delete goes through an index (test/e2e/retention-plans.e2e-spec.ts).
 */
export const PURGE_ORDERS_SQL = `
  WITH candidates AS (
    SELECT o.id, o.pickup_at FROM orders o
    WHERE o.merchant_id = $1 AND o.pickup_at < $2 AND (o.pickup_at, o.id) > ($3::timestamptz, $4::uuid)
    ORDER BY o.pickup_at, o.id LIMIT $5
  ), held AS (
    SELECT o.id FROM orders o WHERE o.id IN (SELECT id FROM candidates) AND o.created_at < $2 FOR UPDATE SKIP LOCKED
  ), notes AS (
    SELECT n.id, n.order_id, n.status FROM notifications n WHERE n.order_id IN (SELECT id FROM held) FOR UPDATE
  ), doomed_orders AS (
    SELECT h.id FROM held h WHERE NOT EXISTS (SELECT 1 FROM notes n WHERE n.order_id = h.id AND NOT n.status = ANY($6::text[]))
  ), doomed_notifications AS (
    SELECT n.id FROM notes n WHERE n.order_id IN (SELECT id FROM doomed_orders)
  ), events AS (
    DELETE FROM notification_events e WHERE e.notification_id IN (SELECT id FROM doomed_notifications) RETURNING e.id
  ), deliveries AS (
    DELETE FROM webhook_deliveries d WHERE d.event_id IN (SELECT id FROM events) RETURNING 1
  ), notifications AS (
    DELETE FROM notifications n WHERE n.id IN (SELECT id FROM doomed_notifications) RETURNING 1
  ), orders AS (
    DELETE FROM orders o WHERE o.id IN (SELECT id FROM doomed_orders) RETURNING 1
  )
  SELECT (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM notifications) AS notifications,
         (SELECT count(*)::int FROM events) AS events, (SELECT count(*)::int FROM deliveries) AS "webhookDeliveries",
         (SELECT count(*)::int FROM candidates) AS scanned,
         (SELECT json_build_object('pickupAt', pickup_at::text, 'id', id) FROM candidates ORDER BY pickup_at DESC, id DESC LIMIT 1) AS last`;

export const purgeOrdersParams = (batch: OrdersBatch): unknown[] => [
  batch.merchantId,
  batch.cutoff,
  batch.after?.pickupAt ?? '-infinity',
  batch.after?.id ?? '00000000-0000-0000-0000-000000000000',
  batch.limit,
  batch.finalStatuses,
];

/**
 * The retention purge's SQL: its ledger (`retention_runs`, one row per UTC day, claimed under a lease as the export
 * ledger's days are) and the batches that delete what merchants no longer keep. Each batch is one short transaction
 * that also moves the run's position, so a run taken over after a crash goes on where the last batch ended.
 */
@Injectable()
export class RetentionRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Claims the day's run in one statement: the row is created, or taken over when its holder's lease ran out (it died).
   * Of any number of concurrent claims one gets the run; the others, and any claim of a finished run, get null. While
   * an earlier day's run is still going (a backlog longer than a day), the new day waits for it; an earlier run whose
   * worker died and that no tick took over that day is `superseded`: today's run purges what it had left.
   */
  async claimRun(day: string, claim: { claimId: string; worker: string; leaseMs: number }): Promise<RetentionRun | null> {
    const rows: RetentionRun[] = await this.db.query(
      `WITH superseded AS (
         UPDATE retention_runs SET state = 'superseded', lease_until = NULL, finished_at = now()
         WHERE day < $1 AND state = 'running' AND lease_until < now()
       )
       INSERT INTO retention_runs AS r (day, state, claim_id, claimed_by, lease_until)
       SELECT $1, 'running', $2, $3, now() + make_interval(secs => $4)
       WHERE NOT EXISTS (SELECT 1 FROM retention_runs earlier WHERE earlier.day < $1 AND earlier.state = 'running' AND earlier.lease_until >= now())
       ON CONFLICT (day) DO UPDATE SET claim_id = EXCLUDED.claim_id, claimed_by = EXCLUDED.claimed_by,
         lease_until = EXCLUDED.lease_until, attempts = r.attempts + 1
       WHERE r.state = 'running' AND r.lease_until < now()
       RETURNING ${RUN_COLUMNS}`,
      [day, claim.claimId, claim.worker, claim.leaseMs / 1000],
    );
    return rows[0] ? reviveRun(rows[0]) : null;
  }

  /**
   * Starts slice `slice` of the claimed run, renewing the lease: the run with its slice number moved on, or null when
   * this claim lost the run, the run is over, or another job already took this slice (a duplicate or stale job).
   */
  async takeSlice(day: string, claimId: string, slice: number, leaseMs: number): Promise<RetentionRun | null> {
    const [rows]: [RetentionRun[], number] = await this.db.query(
      `UPDATE retention_runs SET slice = slice + 1, lease_until = now() + make_interval(secs => $4)
       WHERE day = $1 AND claim_id = $2 AND slice = $3 AND state = 'running'
       RETURNING ${RUN_COLUMNS}`,
      [day, claimId, slice, leaseMs / 1000],
    );
    return rows[0] ? reviveRun(rows[0]) : null;
  }

  async findRun(day: string): Promise<RetentionRun | null> {
    const rows: RetentionRun[] = await this.db.query(`SELECT ${RUN_COLUMNS} FROM retention_runs WHERE day = $1`, [day]);
    return rows[0] ? reviveRun(rows[0]) : null;
  }

  /** The merchant after `afterId` in id order (the first when null), or null when there is none. */
  async merchantAfter(afterId: string | null): Promise<MerchantRetention | null> {
    const rows: MerchantRetention[] = await this.db.query(
      `SELECT m.id, m.retention, coalesce(s.timezone, m.timezone) AS "exportZone"
       FROM merchants m LEFT JOIN export_settings s ON s.merchant_id = m.id
       WHERE $1::uuid IS NULL OR m.id > $1::uuid ORDER BY m.id LIMIT 1`,
      [afterId],
    );
    return rows[0] ?? null;
  }

  async merchant(id: string): Promise<MerchantRetention | null> {
    const rows: MerchantRetention[] = await this.db.query(
      `SELECT m.id, m.retention, coalesce(s.timezone, m.timezone) AS "exportZone"
       FROM merchants m LEFT JOIN export_settings s ON s.merchant_id = m.id WHERE m.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /**
   * Deletes one batch of the merchant's orders past `cutoff` whose notifications are all final, with everything that
   * hangs off them, and writes down the run's progress (`advance` of what was deleted) in the same transaction. Null,
   * with nothing deleted, when this worker no longer holds the run.
   */
  async purgeOrders(run: HeldRun, batch: OrdersBatch, advance: (purged: OrdersPurged) => RunProgress): Promise<OrdersPurged | null> {
    return this.db.transaction(async (tx) => {
      if (!(await this.renew(tx, run))) return null;
      const [purged]: OrdersPurged[] = await tx.query(PURGE_ORDERS_SQL, purgeOrdersParams(batch));
      await this.record(tx, run, advance(purged));
      return purged;
    });
  }

  /** The merchant's finished exports (sent or failed) of days before `beforeDay`, up to `limit` of them. */
  async pastExports(merchantId: string, beforeDay: string, limit: number): Promise<PastExport[]> {
    return this.db.query(
      `SELECT id, provider, message_id AS "messageId" FROM export_ledger
       WHERE merchant_id = $1 AND day < $2 AND state IN ('sent', 'failed') ORDER BY day, created_at LIMIT $3`,
      [merchantId, beforeDay, limit],
    );
  }

  /** Deletes these export ledger entries (if still finished) and writes down the run's progress, as purgeOrders does. */
  async purgeExports(run: HeldRun, ids: string[], advance: (deleted: number) => RunProgress): Promise<number | null> {
    return this.db.transaction(async (tx) => {
      if (!(await this.renew(tx, run))) return null;
      const [, deleted]: [unknown, number] = await tx.query(`DELETE FROM export_ledger WHERE id = ANY($1::uuid[]) AND state IN ('sent', 'failed')`, [ids]);
      await this.record(tx, run, advance(deleted));
      return deleted;
    });
  }

  /** Writes down where the run has got to without deleting anything (a merchant begun or finished); false if lost. */
  async saveProgress(run: HeldRun, progress: RunProgress): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if (!(await this.renew(tx, run))) return false;
      await this.record(tx, run, progress);
      return true;
    });
  }

  /** The run is over: nothing more is purged today. False if this worker no longer held it. */
  async finishRun(run: HeldRun, purged: PurgeCounts): Promise<boolean> {
    const [, count]: [unknown, number] = await this.db.query(
      `UPDATE retention_runs SET state = 'done', finished_at = now(), lease_until = NULL, position = NULL, purged = $4
       WHERE day = $1 AND claim_id = $2 AND slice = $3 AND state = 'running'`,
      [run.day, run.claimId, run.slice, purged],
    );
    return count > 0;
  }

  /** Locks the run's row for the transaction and pushes its lease out; false when this worker lost the run. */
  private async renew(tx: EntityManager, run: HeldRun): Promise<boolean> {
    const [, count]: [unknown, number] = await tx.query(
      `UPDATE retention_runs SET lease_until = now() + make_interval(secs => $4)
       WHERE day = $1 AND claim_id = $2 AND slice = $3 AND state = 'running'`,
      [run.day, run.claimId, run.slice, run.leaseMs / 1000],
    );
    return count > 0;
  }

  private async record(tx: EntityManager, run: HeldRun, progress: RunProgress): Promise<void> {
    await tx.query(`UPDATE retention_runs SET position = $2, purged = $3 WHERE day = $1`, [run.day, progress.position, progress.purged]);
  }
}
