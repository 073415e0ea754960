import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, WorkerOptions } from 'bullmq';
import { CampaignJobHandler } from '@herald/campaigns';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { DeliveryFailure, SendJobHandler } from '@herald/delivery';
import { ErasureJobHandler, ErasureStepFailed } from '@herald/erasure';
import { ExportJobHandler } from '@herald/exports';
import { PendingWorkReconciler } from '@herald/notifications';
import {
  BULK_EMAIL_QUEUE,
  BULK_QUEUE,
  BULK_SMS_QUEUE,
  campaignLimiter,
  CRITICAL_QUEUE,
  DELIVER_WEBHOOK_JOB,
  heraldBackoffStrategy,
  RECONCILE_PENDING_JOB,
  SEND_JOB_RETENTION,
} from '@herald/queues';
import { RetentionJobHandler } from '@herald/retention';
import { WebhookAttemptFailed, WebhookDeliveryHandler } from '@herald/webhooks';

/**
 * Worker settings shared by both send queues. Workers start only once the app is fully up (`autorun: false`);
 * a stalled job (its worker died) is picked up by another worker within about 15 s.
 */
const SEND_WORKER_OPTIONS = {
  autorun: false,
  lockDuration: 15_000,
  stalledInterval: 5_000,
  maxStalledCount: 3,
  settings: { backoffStrategy: heraldBackoffStrategy },
  ...SEND_JOB_RETENTION,
};

abstract class SendProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(this.constructor.name);

  constructor(
    private readonly handler: SendJobHandler,
    private readonly concurrency: number,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.concurrency;
    void this.worker.run();
  }

  process(job: Job, token?: string): Promise<unknown> {
    return this.handler.handle(job, token);
  }

  /**
   * Bull Board shows a failed job's message, never its stack (it names server paths): the stack is logged here. A
   * provider's refusal, or a merchant endpoint's, is not a defect and was already logged, with its code, where it
   * happened; so was a failed erasure step (its cause unsaid: it may quote the personal data being erased).
   */
  @OnWorkerEvent('failed')
  logFailure(job: Job | undefined, error: Error): void {
    if (error instanceof DeliveryFailure || error instanceof WebhookAttemptFailed || error instanceof ErasureStepFailed) return;
    this.logger.error({ msg: 'job failed', queue: job?.queueName, jobId: job?.id, err: error });
  }
}

/**
 * Confirmations and reminders: its own concurrency, so a bulk backlog never delays them. It also runs the periodic
 * reconciliation, which must not wait behind a bulk backlog either.
 */
@Processor(CRITICAL_QUEUE, SEND_WORKER_OPTIONS)
export class CriticalQueueProcessor extends SendProcessor {
  constructor(
    handler: SendJobHandler,
    private readonly reconciler: PendingWorkReconciler,
    @InjectConfig() config: HeraldConfig,
  ) {
    super(handler, config.worker.criticalConcurrency);
  }

  override process(job: Job, token?: string): Promise<unknown> {
    return job.name === RECONCILE_PENDING_JOB ? this.reconciler.reconcile() : super.process(job, token);
  }
}

/**
 * Bulk one-off sends, campaigns' fan-outs, the daily export's tick and runs, the retention purge's tick and slices,
 * webhook deliveries and erasures: a slow merchant endpoint, or a long purge, holds only bulk's slots.
 */
@Processor(BULK_QUEUE, SEND_WORKER_OPTIONS)
export class BulkQueueProcessor extends SendProcessor {
  constructor(
    handler: SendJobHandler,
    private readonly webhooks: WebhookDeliveryHandler,
    private readonly exports: ExportJobHandler,
    private readonly campaigns: CampaignJobHandler,
    private readonly erasures: ErasureJobHandler,
    private readonly retention: RetentionJobHandler,
    @InjectConfig() config: HeraldConfig,
  ) {
    super(handler, config.worker.bulkConcurrency);
  }

  override process(job: Job, token?: string): Promise<unknown> {
    if (job.name === DELIVER_WEBHOOK_JOB) return this.webhooks.handle(job);
    if (this.campaigns.handles(job)) return this.campaigns.handle(job);
    if (this.erasures.handles(job)) return this.erasures.handle(job, token);
    if (this.retention.handles(job)) return this.retention.handle(job);
    return this.exports.handles(job) ? this.exports.handle(job) : super.process(job, token);
  }
}

/**
 * A campaign queue's sends go no faster than the provider's configured rate, counted across every worker by BullMQ's
 * limiter (it belongs to the queue, hence one queue per provider). Set from config before the worker starts.
 */
abstract class CampaignQueueProcessor extends SendProcessor {
  constructor(
    handler: SendJobHandler,
    config: HeraldConfig,
    private readonly perSecond: number,
  ) {
    super(handler, config.worker.campaignConcurrency);
  }

  override onApplicationBootstrap(): void {
    (this.worker.opts as WorkerOptions).limiter = campaignLimiter(this.perSecond);
    super.onApplicationBootstrap();
  }
}

/** Campaigns' SMS, at CAMPAIGN_RATE_SMS a second. */
@Processor(BULK_SMS_QUEUE, SEND_WORKER_OPTIONS)
export class CampaignSmsProcessor extends CampaignQueueProcessor {
  constructor(handler: SendJobHandler, @InjectConfig() config: HeraldConfig) {
    super(handler, config, config.campaignRates.sms);
  }
}

/** Campaigns' emails, at CAMPAIGN_RATE_EMAIL a second. */
@Processor(BULK_EMAIL_QUEUE, SEND_WORKER_OPTIONS)
export class CampaignEmailProcessor extends CampaignQueueProcessor {
  constructor(handler: SendJobHandler, @InjectConfig() config: HeraldConfig) {
    super(handler, config, config.campaignRates.email);
  }
}
