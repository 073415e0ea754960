import { Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { HeraldConfig, InjectConfig } from '@herald/config';
import {
  ChannelAdapter,
  EMAIL_CHANNEL,
  maskContactsIn,
  maskRecipient,
  ProviderError,
  ProviderReceipt,
  RECIPIENT_UNSUBSCRIBED_CODE,
  SMS_CHANNEL,
} from '@herald/channels';
import { isDependencyOutage } from '@herald/errors';
import { renderTemplate } from '@herald/messages';
import { isFinal, SKIP_REASONS } from '@herald/notifications';
import { DeliveryContext, NotificationEntity, NotificationRepository, OptOutRepository } from '@herald/persistence';
import { DeadLetters, SendQueueName } from '@herald/queues';
import { PROCESS_ID } from '@herald/runtime';
import { DeliveryFailure } from './delivery.errors';

export type DeliveryOutcome =
  | { kind: 'sent'; provider: string; providerMessageId: string }
  | { kind: 'not_due'; dueAt: Date }
  | { kind: 'skipped' | 'cancelled'; reason: string }
  | { kind: 'ignored'; reason: string };

export interface AttemptInfo {
  /** 1-based number of this try. */
  number: number;
  max: number;
  queue: SendQueueName;
  jobId: string;
  jobName: string;
}

/** Tries (about 30 s in all) to record a send the provider accepted while Postgres is away. */
const RECORD_SENT_ATTEMPTS = 15;

/** The provider accepted the message but Postgres would not take the news: never treat this as a failed send. */
class SentButUnrecorded extends Error {
  constructor(override readonly cause: unknown) {
    super('sent, but the status could not be recorded');
  }
}

/** A job may fire this much before its due time (clock skew between hosts); earlier than that it is put back. */
const EARLY_TOLERANCE_MS = 50;

/** Where a job becomes a provider call, and the provider's answer becomes a status. */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly optOuts: OptOutRepository,
    private readonly deadLetters: DeadLetters,
    @Inject(SMS_CHANNEL) private readonly sms: ChannelAdapter,
    @Inject(EMAIL_CHANNEL) private readonly email: ChannelAdapter,
    @InjectConfig() private readonly config: HeraldConfig,
  ) {}

  /**
   * Sends the notification if, after re-reading Postgres, it is still due and still wanted. Throws DeliveryFailure
   * when the provider failed; returns what happened otherwise.
   */
  async deliver(notificationId: string, attempt: AttemptInfo): Promise<DeliveryOutcome> {
    const context = await this.notifications.findDeliveryContext(notificationId, this.sms.sender);
    if (!context) return { kind: 'ignored', reason: 'notification_not_found' };
    const { notification } = context;
    if (isFinal(notification.status)) return { kind: 'ignored', reason: `already_${notification.status}` };

    const now = new Date();
    const dueAt = new Date(notification.scheduledFor);
    if (dueAt.getTime() > now.getTime() + EARLY_TOLERANCE_MS) return { kind: 'not_due', dueAt };

    const stopped = await this.stopIfNoLongerWanted(context, now);
    if (stopped) return stopped;

    const claimed = await this.notifications.claim({
      id: notification.id,
      staleAfterMs: this.config.sendingLeaseMs,
      dueBy: new Date(now.getTime() + EARLY_TOLERANCE_MS),
      detail: { attempt: attempt.number, job: attempt.jobId, worker: PROCESS_ID },
    });
    if (!claimed) return this.explainLostClaim(notification.id);

    const message = this.compose(context, now);
    const channel = claimed.channel === 'sms' ? this.sms : this.email;
    const outgoing = { notificationId: claimed.id, to: claimed.recipient, ...message };
    try {
      // Taking over from a worker that died mid-send: it may have reached the provider before dying.
      const earlier = claimed.previousStatus === 'sending' ? await channel.findAccepted?.(outgoing, new Date(claimed.previousUpdatedAt)) : null;
      if (earlier) {
        await this.recordSent(claimed, earlier, message, { recoveredFromCrashedWorker: true });
        return { kind: 'sent', ...earlier };
      }
      const receipt = await channel.send(outgoing);
      await this.recordSent(claimed, receipt, message);
      return { kind: 'sent', ...receipt };
    } catch (error) {
      if (error instanceof SentButUnrecorded) throw error.cause;
      throw await this.recordFailure(claimed, channel.provider, error, attempt);
    }
  }

  /**
   * The provider has the message: writing that down must not be given up lightly, or a retry would send it again.
   * While Postgres is unreachable, keep trying (the job keeps its lock meanwhile) for up to about half a minute.
   */
  private async recordSent(
    claimed: NotificationEntity,
    receipt: ProviderReceipt,
    message: { subject: string | null; body: string },
    extraDetail: Record<string, unknown> = {},
  ): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.notifications.markSent({
          id: claimed.id,
          provider: receipt.provider,
          providerMessageId: receipt.providerMessageId,
          sentAt: new Date(),
          ...message,
          detail: { provider: receipt.provider, providerMessageId: receipt.providerMessageId, ...extraDetail },
        });
        return;
      } catch (error) {
        if (!isDependencyOutage(error) || attempt >= RECORD_SENT_ATTEMPTS) throw new SentButUnrecorded(error);
        this.logger.warn({ msg: 'sent, but Postgres is unreachable; retrying the write', notificationId: claimed.id, attempt });
        await sleep(Math.min(500 * attempt, 3000));
      }
    }
  }

  private async stopIfNoLongerWanted(context: DeliveryContext, now: Date): Promise<DeliveryOutcome | null> {
    const { notification, order } = context;
    if (context.optedOut) {
      await this.notifications.transition(notification.id, {
        to: 'skipped',
        from: ['scheduled', 'queued'],
        set: { statusReason: SKIP_REASONS.optedOut },
        detail: { reason: SKIP_REASONS.optedOut, sender: this.sms.sender },
      });
      return { kind: 'skipped', reason: SKIP_REASONS.optedOut };
    }
    if (order?.status === 'cancelled') {
      await this.notifications.transition(notification.id, { to: 'cancelled', from: ['scheduled', 'queued'], detail: { reason: 'order_cancelled' } });
      return { kind: 'cancelled', reason: 'order_cancelled' };
    }
    if (notification.kind === 'reminder' && order && new Date(order.pickupAt) <= now) {
      await this.notifications.transition(notification.id, {
        to: 'skipped',
        from: ['scheduled', 'queued'],
        set: { statusReason: SKIP_REASONS.pickupPassed },
        detail: { reason: SKIP_REASONS.pickupPassed },
      });
      return { kind: 'skipped', reason: SKIP_REASONS.pickupPassed };
    }
    return null;
  }

  private async explainLostClaim(id: string): Promise<DeliveryOutcome> {
    const current = await this.notifications.findById(id);
    if (current?.status === 'sending') {
      // Another worker holds a fresh claim: come back later and see how it ended.
      throw new DeliveryFailure(false, 'in_flight_elsewhere', 'another worker is sending this notification');
    }
    return { kind: 'ignored', reason: `already_${current?.status ?? 'gone'}` };
  }

  private compose(context: DeliveryContext, now: Date): { subject: string | null; body: string } {
    const { notification, order, merchant } = context;
    if (notification.body !== null || !order) return { subject: notification.subject, body: notification.body ?? '' };
    const rendered = renderTemplate(notification.kind === 'reminder' ? 'pickup_reminder' : 'order_confirmation', notification.locale, {
      shopName: merchant.name,
      reference: order.reference,
      customerName: context.customerName,
      pickupAt: new Date(order.pickupAt),
      timezone: merchant.timezone,
      now,
    });
    return { subject: notification.channel === 'email' ? rendered.subject : null, body: rendered.body };
  }

  private async recordFailure(notification: NotificationEntity, provider: string, error: unknown, attempt: AttemptInfo): Promise<DeliveryFailure> {
    const failure =
      error instanceof ProviderError ? error : new ProviderError(provider, 'transient', 'internal', (error as Error)?.message ?? String(error));
    const final = failure.kind === 'permanent' || attempt.number >= attempt.max;
    if (failure.code === RECIPIENT_UNSUBSCRIBED_CODE) {
      await this.optOuts.optOut(this.sms.sender, notification.recipient, 'provider');
    }
    const detail = { attempt: attempt.number, provider, code: failure.code, error: failure.message, permanent: failure.kind === 'permanent' };
    this.logger.warn({ msg: 'send failed', notificationId: notification.id, to: maskRecipient(notification.recipient), final, ...detail, error: maskContactsIn(failure.message) });
    const set = { lastError: failure.message, lastErrorCode: failure.code, provider };
    if (!final) {
      await this.notifications.transition(notification.id, { to: 'queued', from: ['sending'], set, detail });
      return new DeliveryFailure(false, failure.code, failure.message, failure.retryAfterMs);
    }
    await this.notifications.transition(notification.id, { to: 'dead', from: ['sending'], set, detail });
    await this.deadLetters.park({
      notificationId: notification.id,
      queue: attempt.queue,
      jobName: attempt.jobName,
      jobId: attempt.jobId,
      payload: { notificationId: notification.id },
      error: { code: failure.code, message: failure.message, permanent: failure.kind === 'permanent' },
      attempts: notification.attempts,
      failedAt: new Date().toISOString(),
    });
    return new DeliveryFailure(true, failure.code, failure.message);
  }
}
