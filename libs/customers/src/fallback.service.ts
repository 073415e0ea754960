import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { FallbackContext, FallbackRepository, NotificationEntity, NotificationRepository } from '@herald/persistence';
import { NotificationJobs } from '@herald/queues';
import { platformSmsSender } from './platform-sender';
import { consentedContact, otherChannel } from './reachable-channel';

const UNIQUE_VIOLATION = '23505';

/** Why a failed notification got no fallback, for the log. */
function noFallbackReason(context: FallbackContext, recipient: string | null): string | null {
  if (context.notification.fallbackForId) return 'it is a fallback itself';
  if (!context.customer) return 'no known customer';
  if (context.orderStatus === 'cancelled') return 'the order was cancelled';
  if (context.orderChannels.includes(otherChannel(context.notification.channel))) return 'the order already sends on the other channel';
  if (!recipient) return 'the other channel is unknown or not consented';
  return null;
}

/**
 * When a message fails for good on one channel (an invalid number, an opted-out recipient, a bounce), the customer is
 * reached on the other channel if it is known and consented: a fallback notification, linked to the failed one, goes
 * out at once on the same queue. A failed notification gets at most one fallback, and a fallback none of its own.
 */
@Injectable()
export class FallbackService {
  private readonly logger = new Logger(FallbackService.name);
  private readonly platformSender: string;

  constructor(
    private readonly fallbacks: FallbackRepository,
    private readonly notifications: NotificationRepository,
    private readonly jobs: NotificationJobs,
    @InjectConfig() config: HeraldConfig,
  ) {
    this.platformSender = platformSmsSender(config);
  }

  /**
   * Creates and schedules the fallback of a notification that failed for good with `cause`; null when none is due.
   * Never throws: the caller has already recorded the failure, and a fallback that cannot be made (Postgres or Redis
   * away) is logged, and leaves the failed notification to alert as one without a fallback does.
   */
  async fallBack(failedId: string, cause: string | null): Promise<NotificationEntity | null> {
    try {
      return await this.createFallback(failedId, cause);
    } catch (error) {
      this.logger.error({ msg: 'could not create the fallback', notificationId: failedId, cause, err: error });
      return null;
    }
  }

  private async createFallback(failedId: string, cause: string | null): Promise<NotificationEntity | null> {
    const context = await this.fallbacks.findContext(failedId, this.platformSender);
    if (!context) return null;
    const failed = context.notification;
    const channel = otherChannel(failed.channel);
    const recipient = context.customer && consentedContact(context.customer, channel);
    const reason = noFallbackReason(context, recipient);
    if (reason || !recipient) {
      this.logger.log({ msg: 'no fallback channel', notificationId: failed.id, channel: failed.channel, reason });
      return null;
    }
    const subject = channel === 'email' && failed.body !== null ? (context.campaignSubject ?? `Message from ${context.merchantName}`) : null;
    let fallback: NotificationEntity;
    try {
      ({
        notifications: [fallback],
      } = await this.notifications.insert([
        {
          id: randomUUID(),
          merchantId: failed.merchantId,
          orderId: failed.orderId,
          kind: failed.kind,
          channel,
          priority: failed.priority,
          recipient,
          locale: failed.locale,
          subject,
          body: failed.body,
          status: 'queued',
          scheduledFor: new Date(),
          previousReminderId: failed.previousReminderId,
          customerId: context.customer!.id,
          campaignId: failed.campaignId,
          fallbackForId: failed.id,
          test: failed.test,
          detail: { fallbackFor: failed.id, channel: failed.channel, cause },
        },
      ]));
    } catch (error) {
      // Created already: this failure was handled before (a retried job, a receipt sent twice).
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) return null;
      throw error;
    }
    await this.jobs.schedule([fallback]);
    this.logger.log({ msg: 'fallback created', notificationId: failed.id, fallbackId: fallback.id, from: failed.channel, to: channel, cause });
    return fallback;
  }

  /** The fallback sent in the notification's place, if any: the customer was reached after all. */
  async fallbackOf(notificationId: string): Promise<string | null> {
    return (await this.fallbacks.fallbacksOf([notificationId])).get(notificationId) ?? null;
  }
}
