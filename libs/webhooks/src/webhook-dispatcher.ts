import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { RedisSignals } from '@herald/events';
import { WebhookRepository } from '@herald/persistence';
import { WebhookJobs } from '@herald/queues';

const BATCH = 500;
/** Reads every endpoint's backlog this often even without a signal: a lost signal costs at most this much latency. */
const SWEEP_MS = 5000;
/** Re-reads which merchants have an endpoint this often, besides on each change signal. */
const ENDPOINTS_REFRESH_MS = 60_000;
/** Pending deliveries older than this without a job in Redis get it back, checked this often. */
const RESTORE_AFTER_MS = 30_000;
const RESTORE_EVERY_MS = 60_000;
/** Another worker holds the endpoint: try again this soon, since it may have read before our news committed. */
const LOCKED_RETRY_MS = 100;
const LOCKED_RETRIES = 5;
const HELD_BACK_FIRST_MS = 5;
const HELD_BACK_MAX_MS = 500;
const FAILURE_RETRY_MS = 1000;

/**
 * Turns the merchant's events into webhook deliveries. Each endpoint keeps a cursor in the event log; a run reads the
 * events past it (below the visibility horizon, so none is skipped), records a delivery per event in the same
 * statement that moves the cursor, then queues their jobs on `bulk`. Runs on every worker, woken by the event signals;
 * the endpoint's row lock makes one worker at a time dispatch a merchant. A worker that dies between the commit and the
 * jobs leaves pending deliveries without a job: the restore pass gives them one.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private endpoints = new Set<string>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private readonly heldBackDelay = new Map<string, number>();
  private readonly lockedRetries = new Map<string, number>();
  private readonly timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly jobs: WebhookJobs,
    private readonly signals: RedisSignals,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.signals.subscribe('events', (merchantIds) => {
      for (const merchantId of merchantIds) if (this.endpoints.has(merchantId)) this.poke(merchantId);
    });
    this.signals.subscribe('webhook-endpoints', () => void this.refreshEndpoints());
    this.signals.onReconnect(() => void this.sweep());
    await this.refreshEndpoints();
    void this.sweep();
    void this.restoreJobs();
    this.every(SWEEP_MS, () => void this.sweep());
    this.every(ENDPOINTS_REFRESH_MS, () => void this.refreshEndpoints());
    this.every(RESTORE_EVERY_MS, () => void this.restoreJobs());
  }

  onModuleDestroy(): void {
    this.stopped = true;
    for (const timer of [...this.timers, ...this.retries.values()]) clearTimeout(timer);
  }

  poke(merchantId: string): void {
    if (this.stopped) return;
    if (this.running.has(merchantId)) {
      this.again.add(merchantId);
      return;
    }
    void this.dispatch(merchantId);
  }

  private async dispatch(merchantId: string): Promise<void> {
    this.running.add(merchantId);
    clearTimeout(this.retries.get(merchantId));
    this.retries.delete(merchantId);
    try {
      for (;;) {
        this.again.delete(merchantId);
        const result = await this.webhooks.dispatch(merchantId, BATCH);
        await this.jobs.schedule(result.deliveryIds);
        if (!result.locked) {
          const tries = (this.lockedRetries.get(merchantId) ?? 0) + 1;
          this.lockedRetries.set(merchantId, tries);
          if (tries <= LOCKED_RETRIES && this.endpoints.has(merchantId)) this.retryIn(merchantId, LOCKED_RETRY_MS);
          return;
        }
        this.lockedRetries.delete(merchantId);
        if (result.scanned === BATCH) continue;
        // Waiting longer and longer only while stuck: a long transaction elsewhere holds the horizon back.
        if (result.scanned) this.heldBackDelay.delete(merchantId);
        if (result.heldBack) {
          const delay = this.heldBackDelay.get(merchantId) ?? HELD_BACK_FIRST_MS;
          this.heldBackDelay.set(merchantId, Math.min(delay * 2, HELD_BACK_MAX_MS));
          this.retryIn(merchantId, delay);
          return;
        }
        this.heldBackDelay.delete(merchantId);
        if (!this.again.has(merchantId) || this.stopped) return;
      }
    } catch (error) {
      this.logger.warn({ msg: 'could not dispatch webhooks; retrying', merchantId, error: (error as Error).message });
      this.retryIn(merchantId, FAILURE_RETRY_MS);
    } finally {
      this.running.delete(merchantId);
    }
  }

  /** Every endpoint with events past its cursor: after a boot, a Redis reconnect, and periodically. */
  private async sweep(): Promise<void> {
    try {
      for (const merchantId of await this.webhooks.merchantsBehind()) this.poke(merchantId);
    } catch (error) {
      this.logger.warn(`webhook sweep failed: ${(error as Error).message}`);
    }
  }

  private async refreshEndpoints(): Promise<void> {
    try {
      const previous = this.endpoints;
      this.endpoints = new Set(await this.webhooks.merchantsWithEndpoints());
      // Signals of a brand-new endpoint's first events may have come before this refresh: read them now.
      for (const merchantId of this.endpoints) if (!previous.has(merchantId)) this.poke(merchantId);
    } catch (error) {
      this.logger.warn(`could not read webhook endpoints: ${(error as Error).message}`);
    }
  }

  private async restoreJobs(): Promise<void> {
    try {
      let restored = 0;
      let after: { createdAt: Date; id: string } | null = null;
      for (;;) {
        const page = await this.webhooks.pendingPage(new Date(Date.now() - RESTORE_AFTER_MS), after, 1000);
        if (!page.length) break;
        restored += await this.jobs.restore(page.map((d) => d.id));
        after = page[page.length - 1];
      }
      if (restored) this.logger.warn({ msg: 'restored webhook delivery jobs missing from Redis', restored });
    } catch (error) {
      this.logger.warn(`could not restore webhook jobs: ${(error as Error).message}`);
    }
  }

  private retryIn(merchantId: string, ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.retries.get(merchantId));
    const timer = setTimeout(() => {
      this.retries.delete(merchantId);
      this.poke(merchantId);
    }, ms);
    timer.unref();
    this.retries.set(merchantId, timer);
  }

  private every(ms: number, task: () => void): void {
    const timer = setInterval(task, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
