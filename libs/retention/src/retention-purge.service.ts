import { Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { EMAIL_CHANNEL, EmailChannelAdapter } from '@herald/channels';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { localDay, oldestDueDay } from '@herald/exports';
import { purgeCutoff } from '@herald/merchants';
import { FINAL_STATUSES } from '@herald/notifications';
import { HeldRun, MerchantRetention, NO_PURGE, OrdersPurged, PurgeCounts, PurgePosition, RetentionRepository, RunProgress } from '@herald/persistence';
import { RetentionJobs, RetentionPurgePayload } from '@herald/queues';
import { countPurged, retentionMetrics } from './retention.metrics';

/**
 * Orders per batch: with their notifications, events and deliveries, about two thousand rows in one transaction of
 * some tens of milliseconds, so confirmations committing at the same time never wait long for a lock, a disk flush or
 * the visibility horizon live events are read under.
 */
const ORDERS_PER_BATCH = 200;
const EXPORTS_PER_BATCH = 100;
/** A slice holds a `bulk` slot this long at most, then queues the next one: a drain on SIGTERM waits no longer. */
const SLICE_MS = 5_000;
/**
 * After each batch the purge rests three times as long as the batch took: it keeps one Postgres backend busy a quarter
 * of the time at most, and leaves the rest to the sends. Resting as long as the batch (half the time) purged twice as
 * fast but doubled what it added to critical's p99 (the retention scenario in docs/benchmarks.md).
 */
const REST_PER_BATCH = 3;

export type SliceOutcome =
  /** This job's slice was already taken, or the run was lost to another worker (its lease ran out) or is over. */
  | { result: 'stale' }
  | { result: 'continues'; purged: PurgeCounts }
  | { result: 'done'; purged: PurgeCounts };

const add = (a: PurgeCounts, b: Partial<PurgeCounts>): PurgeCounts => {
  const sum = { ...a };
  for (const kind of Object.keys(NO_PURGE) as (keyof PurgeCounts)[]) sum[kind] += b[kind] ?? 0;
  return sum;
};

const FOREIGN_KEY_VIOLATION = '23503';

/** The foreign key a failed delete ran into (its name), or null when the error is another. */
function stillReferencedBy(error: unknown): string | null {
  const e = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const driver = e.driverError ?? e;
  return driver.code === FOREIGN_KEY_VIOLATION ? (driver.constraint ?? 'unknown') : null;
}

const startOf = (merchantId: string): PurgePosition => ({ merchantId, phase: 'orders', after: null, purged: NO_PURGE });

/**
 * Where a day's run deletes what merchants no longer keep, merchant by merchant (in id order): first its orders past
 * retention whose notifications are all final, with their notifications, events and webhook deliveries; then its
 * export ledger days past retention, with the files the email driver kept of them. Each batch is one short transaction
 * that also writes down where the run has got to, so a run taken over after a crash resumes at its last batch, and a
 * batch done twice deletes nothing more (what it would delete is gone).
 */
@Injectable()
export class RetentionPurge {
  private readonly logger = new Logger(RetentionPurge.name);

  constructor(
    private readonly runs: RetentionRepository,
    private readonly jobs: RetentionJobs,
    @Inject(EMAIL_CHANNEL) private readonly email: EmailChannelAdapter,
    @InjectConfig() private readonly config: HeraldConfig,
  ) {
    // The series exists from boot, so Prometheus' increase() sees this worker's first run go from 0 to 1.
    retentionMetrics.runs.inc({ outcome: 'done' }, 0);
  }

  /** Runs one slice of the day's purge (batches for up to SLICE_MS), then queues the next one or ends the run. */
  async runSlice(job: RetentionPurgePayload): Promise<SliceOutcome> {
    const taken = await this.runs.takeSlice(job.day, job.claimId, job.slice, this.config.retention.leaseMs);
    if (!taken) return { result: 'stale' };
    const run: HeldRun = { day: job.day, claimId: job.claimId, slice: taken.slice, leaseMs: this.config.retention.leaseMs };
    let progress: RunProgress = { position: taken.position, purged: taken.purged };
    const until = Date.now() + SLICE_MS;
    while (Date.now() < until) {
      const started = Date.now();
      const next = await this.step(run, progress, taken.startedAt);
      if (next === 'lost') return { result: 'stale' };
      if (next === 'finished') return this.finish(run, progress.purged, taken.attempts);
      progress = next;
      await sleep((Date.now() - started) * REST_PER_BATCH);
    }
    await this.jobs.requestSlice({ day: run.day, claimId: run.claimId, slice: run.slice });
    return { result: 'continues', purged: progress.purged };
  }

  /** One batch, or one move to the next phase or merchant; `finished` after the last merchant. */
  private async step(run: HeldRun, progress: RunProgress, now: Date): Promise<RunProgress | 'lost' | 'finished'> {
    const position = progress.position;
    if (!position || position.phase === 'done') {
      if (position) this.merchantDone(run, position);
      const merchant = await this.runs.merchantAfter(position?.merchantId ?? null);
      if (!merchant) return 'finished';
      const next = { position: startOf(merchant.id), purged: progress.purged };
      return (await this.runs.saveProgress(run, next)) ? next : 'lost';
    }
    const merchant = await this.runs.merchant(position.merchantId);
    // Gone since (no merchant is ever deleted today, but a run must not loop on one): on to the next.
    if (!merchant) return { position: { ...position, phase: 'done' }, purged: progress.purged };
    return position.phase === 'orders' ? this.purgeOrders(run, progress, position, merchant, now) : this.purgeExports(run, progress, position, merchant, now);
  }

  private async purgeOrders(run: HeldRun, progress: RunProgress, position: PurgePosition, merchant: MerchantRetention, now: Date): Promise<RunProgress | 'lost'> {
    const cutoff = purgeCutoff(merchant.retention, this.config.retention.max, now);
    const batch = { merchantId: merchant.id, cutoff, after: position.after, limit: ORDERS_PER_BATCH, finalStatuses: FINAL_STATUSES };
    const countsOf = ({ orders, notifications, events, webhookDeliveries }: OrdersPurged) => ({ orders, notifications, events, webhookDeliveries });
    const advance = (deleted: OrdersPurged): RunProgress => {
      const counts = countsOf(deleted);
      const more = deleted.scanned === ORDERS_PER_BATCH;
      return {
        position: { ...position, phase: more ? 'orders' : 'exports', after: more ? deleted.last : null, purged: add(position.purged, counts) },
        purged: add(progress.purged, counts),
      };
    };
    let deleted: OrdersPurged | null;
    try {
      deleted = await this.runs.purgeOrders(run, batch, advance);
    } catch (error) {
      const constraint = stillReferencedBy(error);
      if (!constraint) throw error;
      // A row Herald does not purge points at one of these orders: skipping the merchant's orders keeps the run going.
      this.logger.error({ msg: 'retention purge: an order is still referenced; the merchant’s orders are skipped today', day: run.day, merchantId: merchant.id, constraint });
      const skipped = { position: { ...position, phase: 'exports' as const, after: null }, purged: progress.purged };
      return (await this.runs.saveProgress(run, skipped)) ? skipped : 'lost';
    }
    if (!deleted) return 'lost';
    countPurged(countsOf(deleted));
    return advance(deleted);
  }

  /**
   * Export days older than the retention, and than any day the automatic export may still send (its ledger entry is
   * what keeps a day from going twice): their files first, so a crash between the two leaves a row to find again
   * rather than a file no row names.
   */
  private async purgeExports(run: HeldRun, progress: RunProgress, position: PurgePosition, merchant: MerchantRetention, now: Date): Promise<RunProgress | 'lost'> {
    const zone = merchant.exportZone;
    const retainedFrom = localDay(purgeCutoff(merchant.retention, this.config.retention.max, now), zone);
    const stillDueFrom = oldestDueDay(now, zone, this.config.exports.catchUpDays);
    const past = await this.runs.pastExports(merchant.id, [retainedFrom, stillDueFrom].sort()[0], EXPORTS_PER_BATCH);
    let exportFiles = 0;
    for (const entry of past) {
      if (entry.messageId && entry.provider === this.email.provider && (await this.email.discardMail?.(entry.messageId))) exportFiles += 1;
    }
    const advance = (exportDays: number): RunProgress => {
      const counts = { exportDays, exportFiles };
      const phase = past.length === EXPORTS_PER_BATCH ? 'exports' : 'done';
      return { position: { ...position, phase, purged: add(position.purged, counts) }, purged: add(progress.purged, counts) };
    };
    const exportDays = await this.runs.purgeExports(
      run,
      past.map((entry) => entry.id),
      advance,
    );
    if (exportDays === null) return 'lost';
    countPurged({ exportDays, exportFiles });
    return advance(exportDays);
  }

  /** One line per merchant something was purged of: its id and counts, nothing about its customers. */
  private merchantDone(run: HeldRun, position: PurgePosition): void {
    if (Object.values(position.purged).every((count) => count === 0)) return;
    this.logger.log({ msg: 'retention purge: merchant done', day: run.day, merchantId: position.merchantId, ...position.purged });
  }

  private async finish(run: HeldRun, purged: PurgeCounts, attempts: number): Promise<SliceOutcome> {
    if (!(await this.runs.finishRun(run, purged))) return { result: 'stale' };
    retentionMetrics.runs.inc({ outcome: 'done' });
    this.logger.log({ msg: 'retention purge done', day: run.day, claims: attempts, ...purged });
    return { result: 'done', purged };
  }
}
