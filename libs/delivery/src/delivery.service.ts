import { Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { HeraldConfig, InjectConfig } from '@herald/config';
import {
  ChannelAdapter,
  EMAIL_CHANNEL,
  maskContactsIn,
  maskRecipient,
  OutgoingMessage,
  ProviderError,
  ProviderReceipt,
  RECIPIENT_UNSUBSCRIBED_CODE,
  SMS_CHANNEL,
  TEST_CHANNELS,
  TestChannels,
  WHATSAPP_CHANNEL,
  WhatsAppContent,
} from '@herald/channels';
import { FallbackService } from '@herald/customers';
import { isDependencyOutage } from '@herald/errors';
import { MESSAGE_TOO_LONG_CODE, renderedTooLong, smsSizeOf } from '@herald/messages';
import { CUSTOMER_ERASED, ERASED_RECIPIENT, isFinal, RedriveService, SKIP_REASONS, templateKindOf } from '@herald/notifications';
import { deliveryMetrics } from '@herald/observability';
import {
  Channel,
  Claim,
  DeliveryContext,
  DeliveryRepository,
  NotificationEntity,
  NotificationRepository,
  OptOutRepository,
  SentWrite,
  WHATSAPP_OPT_OUT_SENDER,
  WhatsAppSessionRepository,
} from '@herald/persistence';
import { DeadLetters, SendQueueName } from '@herald/queues';
import { PROCESS_ID } from '@herald/runtime';
import { TemplatesService } from '@herald/templates';
import { DeliveryFailure } from './delivery.errors';
import { whatsappSendMode } from './whatsapp-session-window';

export type DeliveryOutcome =
  | { kind: 'sent'; provider: string; providerMessageId: string }
  | { kind: 'not_due'; dueAt: Date }
  /** Its merchant is disabled: the send waits, pending, and is looked at again at `recheckAt` (or when it is enabled). */
  | { kind: 'held'; recheckAt: Date }
  | { kind: 'skipped' | 'cancelled'; reason: string }
  /**
   * Failed for good: the send now waits in `dead-letter` as `deadLetter`, the one place to retry it. A test send is
   * not parked (null): it alerts no operator, and retrying it would tell nothing new.
   */
  | { kind: 'dead'; code: string | null; deadLetter: string | null }
  | { kind: 'ignored'; reason: string };

export interface AttemptInfo {
  /** 1-based number of this try. */
  number: number;
  max: number;
  queue: SendQueueName;
  jobId: string;
  jobName: string;
}

/** Tries (about 35 s of waiting in all) to record a send the provider accepted while Postgres is away. */
export const RECORD_SENT_ATTEMPTS = 15;

/** The wait after the `sent` write's `write`-th failed try: half a second longer each time, at most 3 s. */
export const sentWriteWaitMs = (write: number) => Math.min(500 * write, 3000);

/** The provider accepted the message but Postgres would not take the news: never treat this as a failed send. */
class SentButUnrecorded extends Error {
  constructor(override readonly cause: unknown) {
    super('sent, but the status could not be recorded');
  }
}

/** The history's word for "sent again without knowing whether the crashed worker's send went through". */
const TAKEOVER_UNVERIFIED = 'takeover_unverified';

/** Recorded on the event that follows a takeover: what the provider said about the crashed worker's send. */
type TakeoverDetail =
  | { takeover: 'found' | 'resent' }
  | { takeover: 'unverified'; reason: typeof TAKEOVER_UNVERIFIED; lookupError: { code: string | null; message: string } | null };

/** The text of a send, and for an SMS how it travels (recorded on the notification once sent). */
type ComposedMessage = Pick<SentWrite, 'subject' | 'body' | 'encoding' | 'segments'> & {
  /** WhatsApp outside the session window: the approved template it goes as. */
  content?: WhatsAppContent | null;
  /** Why it cannot go at all (WhatsApp outside the window without an approved template): a permanent failure, no provider call. */
  unsendable?: { code: string; message: string };
};

/** The code of a WhatsApp message outside the customer's session window with no approved template to go as. */
export const WHATSAPP_TEMPLATE_MISSING_CODE = 'whatsapp_template_missing';

/** A job may fire this much before its due time (clock skew between hosts); earlier than that it is put back. */
const EARLY_TOLERANCE_MS = 50;

/**
 * How long a disabled merchant's due send waits before its job looks again. Enabling the merchant wakes its held
 * sends at once; this is only the backstop should that be interrupted, long enough that a large backlog of held sends
 * costs next to nothing while the merchant stays disabled.
 */
export const HELD_RECHECK_MS = 30 * 60_000;

/**
 * Where a job becomes a provider call, and the provider's answer becomes a status. A test notification (a test key's)
 * goes the same way, claims, statuses and events included, but to the log driver: no provider is called, its receipt
 * (`delivered`) is written at once, and only `herald_test_sends_total` counts it. Consent holds for it as for any send.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly sends: DeliveryRepository,
    private readonly optOuts: OptOutRepository,
    private readonly deadLetters: DeadLetters,
    private readonly redrives: RedriveService,
    private readonly templates: TemplatesService,
    private readonly fallbacks: FallbackService,
    @Inject(SMS_CHANNEL) private readonly sms: ChannelAdapter,
    @Inject(EMAIL_CHANNEL) private readonly email: ChannelAdapter,
    @Inject(WHATSAPP_CHANNEL) private readonly whatsapp: ChannelAdapter,
    @Inject(TEST_CHANNELS) private readonly testChannels: TestChannels,
    private readonly whatsappSessions: WhatsAppSessionRepository,
    @InjectConfig() private readonly config: HeraldConfig,
  ) {}

  /**
   * Sends the notification if, in Postgres, it is still due and still wanted. Throws DeliveryFailure when the provider
   * failed and a retry follows; returns what happened otherwise.
   *
   * The usual case costs one statement before the provider call: the claim, which reads what the send needs and is
   * shared with concurrent sends. Anything else (not due, unwanted, final, dead, claimed elsewhere, held) reads the
   * notification first to say why, as `deliverAfterReading` does.
   */
  async deliver(notificationId: string, attempt: AttemptInfo): Promise<DeliveryOutcome> {
    const now = new Date();
    const claimed = await this.sends.claimForDelivery({
      ...this.claimRequest(notificationId, attempt, now),
      defaultSmsSender: this.sms.sender,
      now,
    });
    if (!claimed) return this.deliverAfterReading(notificationId, attempt);
    let message: ComposedMessage;
    try {
      message = await this.compose(claimed.context, now);
    } catch (error) {
      // Rendered after the claim here: a text that cannot be rendered puts the notification back to wait, unsent.
      await this.notifications.transition(claimed.claim.id, {
        to: 'queued',
        from: ['sending'],
        detail: { reason: 'render_failed', error: (error as Error)?.message ?? String(error) },
      });
      throw error;
    }
    return this.send(claimed.claim, claimed.context, message, attempt);
  }

  /** The claim of one send: only if due by `now` (give or take the tolerance), taking over a claim gone stale. */
  private claimRequest(id: string, attempt: AttemptInfo, now: Date) {
    return {
      id,
      staleAfterMs: this.config.sendingLeaseMs,
      dueBy: new Date(now.getTime() + EARLY_TOLERANCE_MS),
      detail: { attempt: attempt.number, job: attempt.jobId, worker: PROCESS_ID },
    };
  }

  /** Reads the notification, says why it cannot be sent now, or claims it after all (a redriven dead send). */
  private async deliverAfterReading(notificationId: string, attempt: AttemptInfo): Promise<DeliveryOutcome> {
    let context = await this.sends.findDeliveryContext(notificationId, this.sms.sender);
    if (context?.notification.status === 'dead' && context.notification.recipient !== ERASED_RECIPIENT) {
      // A dead send's job completed when it was dead-lettered: it runs again because an operator pressed Retry on it
      // (or, rarely, its worker died between parking it and completing: then it costs one more try, never a message).
      await this.redrives.redriveInItsOwnJob(notificationId, attempt.jobId);
      context = await this.sends.findDeliveryContext(notificationId, this.sms.sender);
    }
    if (!context) return { kind: 'ignored', reason: 'notification_not_found' };
    const { notification } = context;
    if (isFinal(notification.status)) return { kind: 'ignored', reason: `already_${notification.status}` };

    const now = new Date();
    const dueAt = new Date(notification.scheduledFor);
    if (dueAt.getTime() > now.getTime() + EARLY_TOLERANCE_MS) return { kind: 'not_due', dueAt };
    if (context.merchant.disabledAt) return { kind: 'held', recheckAt: new Date(now.getTime() + HELD_RECHECK_MS) };

    const stopped = await this.stopIfNoLongerWanted(context, now);
    if (stopped) return stopped;
    // Rendered before the claim: a text that cannot be rendered leaves the notification waiting, not half-sent.
    const message = await this.compose(context, now);

    const claimed = await this.sends.claim(this.claimRequest(notification.id, attempt, now));
    if (!claimed) {
      deliveryMetrics.lostClaims.inc({ queue: attempt.queue });
      return this.explainLostClaim(notification.id);
    }
    return this.send(claimed, context, message, attempt);
  }

  /** The provider call of a claimed send, and its result written down. */
  private async send(claimed: Claim, context: DeliveryContext, message: ComposedMessage, attempt: AttemptInfo): Promise<DeliveryOutcome> {
    const channel = this.channelFor(claimed);
    const tooLong = message.content ? null : renderedTooLong(claimed.channel, message);
    const unsendable = message.unsendable ?? (tooLong ? { code: MESSAGE_TOO_LONG_CODE, message: tooLong } : null);
    if (unsendable) {
      // What the provider would refuse for good (Twilio: over 1,600 characters; WhatsApp: a free-form message outside the
      // session window), refused before asking it: no retry.
      const refusal = new ProviderError(channel.provider, 'permanent', unsendable.code, unsendable.message);
      return this.recordFailure(claimed, channel.provider, refusal, attempt, undefined, this.smsSenderOf(context));
    }
    const outgoing: OutgoingMessage = {
      notificationId: claimed.id,
      to: claimed.recipient,
      subject: message.subject,
      body: message.body,
      // SMS: the merchant's own numbers; none: each provider's own (the platform's number there).
      ...(claimed.channel === 'sms' ? { from: context.merchant.smsFrom, fromByProvider: context.merchant.smsFromByProvider } : {}),
      ...(claimed.channel === 'email' ? { senderName: context.merchant.emailSenderName } : {}),
      ...(message.content ? { content: message.content } : {}),
    };
    const takeover = claimed.previousStatus === 'sending' ? await this.takeOver(channel, outgoing, claimed, attempt) : null;
    try {
      if (takeover?.found) {
        await this.recordSent(claimed, takeover.found, message, attempt, takeover.detail);
        return { kind: 'sent', ...takeover.found };
      }
      const receipt = await this.callProvider(channel, outgoing, claimed, attempt);
      await this.recordSent(claimed, receipt, message, attempt, takeover?.detail);
      if (claimed.test) await this.confirmTestSend(claimed, receipt);
      return { kind: 'sent', ...receipt };
    } catch (error) {
      if (error instanceof SentButUnrecorded) throw error.cause;
      return this.recordFailure(claimed, channel.provider, error, attempt, takeover?.detail, this.smsSenderOf(context));
    }
  }

  /**
   * Taking over from a worker that died mid-send: it may have reached the provider before dying, so ask the provider
   * (back to that worker's claim). A question the provider cannot answer (no lookup, refused, timed out) never fails
   * the notification: it is sent again, and the history says the takeover could not verify. At least once, visibly.
   */
  private async takeOver(
    channel: ChannelAdapter,
    outgoing: OutgoingMessage,
    claimed: Claim,
    attempt: AttemptInfo,
  ): Promise<{ found: ProviderReceipt | null; detail: TakeoverDetail }> {
    const provider = channel.provider;
    let lookupError: { code: string | null; message: string } | null = null;
    if (channel.findAccepted) {
      const stopTimer = deliveryMetrics.providerLatency.startTimer({ provider, operation: 'lookup' });
      try {
        const found = await channel.findAccepted(outgoing, new Date(claimed.previousUpdatedAt));
        deliveryMetrics.takeovers.inc({ provider, outcome: found ? 'found' : 'resent' });
        return { found, detail: { takeover: found ? 'found' : 'resent' } };
      } catch (error) {
        lookupError = { code: error instanceof ProviderError ? error.code : null, message: maskContactsIn((error as Error)?.message ?? String(error)) };
      } finally {
        stopTimer();
      }
    }
    if (!claimed.test) deliveryMetrics.takeovers.inc({ provider, outcome: 'unverified' });
    this.logger.warn({
      msg: 'took over a send without knowing whether the crashed worker had sent it: sending it again',
      notificationId: claimed.id,
      jobId: attempt.jobId,
      provider,
      lookupError,
    });
    return { found: null, detail: { takeover: 'unverified', reason: TAKEOVER_UNVERIFIED, lookupError } };
  }

  private async callProvider(channel: ChannelAdapter, outgoing: OutgoingMessage, claimed: Claim, attempt: AttemptInfo): Promise<ProviderReceipt> {
    if (claimed.test) {
      const receipt = await channel.send(outgoing);
      deliveryMetrics.testSends.inc({ channel: claimed.channel });
      return receipt;
    }
    const lateSeconds = (Date.now() - new Date(claimed.scheduledFor).getTime()) / 1000;
    deliveryMetrics.lateness.observe({ queue: attempt.queue, attempt: attempt.number === 1 ? 'first' : 'retry' }, Math.max(0, lateSeconds));
    const stopTimer = deliveryMetrics.providerLatency.startTimer({ provider: channel.provider, operation: 'send' });
    try {
      const receipt = await channel.send(outgoing);
      deliveryMetrics.outcomes.inc({ provider: receipt.provider, outcome: 'accepted', code: '' });
      return receipt;
    } finally {
      stopTimer();
    }
  }

  /**
   * The provider has the message: writing that down must not be given up lightly, or a retry would send it again.
   * While Postgres is unreachable, keep trying (the job keeps its lock meanwhile) for up to about half a minute.
   */
  private async recordSent(
    claimed: NotificationEntity,
    receipt: ProviderReceipt,
    message: ComposedMessage,
    attempt: AttemptInfo,
    takeover: TakeoverDetail | undefined,
  ): Promise<void> {
    for (let write = 1; ; write += 1) {
      try {
        await this.sends.markSent({
          id: claimed.id,
          provider: receipt.provider,
          providerMessageId: receipt.providerMessageId,
          sentAt: new Date(),
          subject: message.subject,
          body: message.body,
          encoding: message.encoding,
          segments: message.segments,
          detail: { provider: receipt.provider, providerMessageId: receipt.providerMessageId, ...receipt.detail, ...takeover },
        });
        return;
      } catch (error) {
        if (!isDependencyOutage(error) || write >= RECORD_SENT_ATTEMPTS) throw new SentButUnrecorded(error);
        this.logger.warn({ msg: 'sent, but Postgres is unreachable; retrying the write', notificationId: claimed.id, jobId: attempt.jobId, write });
        await sleep(sentWriteWaitMs(write));
      }
    }
  }

  /** A test notification's channel is the log driver's, whatever providers are configured. */
  private channelFor(notification: NotificationEntity): ChannelAdapter {
    if (notification.test) return this.testChannels[notification.channel];
    const channels: Record<Channel, ChannelAdapter> = { sms: this.sms, email: this.email, whatsapp: this.whatsapp };
    return channels[notification.channel];
  }

  /**
   * A test send's delivery receipt, at once, as a provider's would come: `sent → delivered`, so an integration sees
   * the whole lifecycle. Not written (Postgres away), the notification stays `sent`, as with a receipt that never came.
   */
  private async confirmTestSend(claimed: NotificationEntity, receipt: ProviderReceipt): Promise<void> {
    try {
      await this.notifications.transition(claimed.id, {
        to: 'delivered',
        from: ['sent'],
        detail: { provider: receipt.provider, providerMessageId: receipt.providerMessageId },
      });
    } catch (error) {
      this.logger.warn({ msg: 'could not record a test send as delivered', notificationId: claimed.id, error: (error as Error).message });
    }
  }

  /** The number an SMS of this merchant goes out from, and whose opt-out list applies: its own, else the platform's. */
  private smsSenderOf(context: DeliveryContext): string {
    return context.merchant.smsFrom ?? this.sms.sender;
  }

  private async stopIfNoLongerWanted(context: DeliveryContext, now: Date): Promise<DeliveryOutcome | null> {
    const { notification, order } = context;
    if (notification.recipient === ERASED_RECIPIENT) {
      // Its customer was erased while it waited (the erasure cancels what is pending; this is a straggler): never sent.
      await this.notifications.transition(notification.id, {
        to: 'cancelled',
        from: ['scheduled', 'queued'],
        set: { statusReason: CUSTOMER_ERASED },
        detail: { by: 'erasure', reason: CUSTOMER_ERASED },
      });
      return { kind: 'cancelled', reason: CUSTOMER_ERASED };
    }
    if (context.optedOut) {
      const skipped = await this.notifications.transition(notification.id, {
        to: 'skipped',
        from: ['scheduled', 'queued'],
        set: { statusReason: SKIP_REASONS.optedOut },
        detail: { reason: SKIP_REASONS.optedOut, ...(notification.channel === 'sms' ? { sender: this.smsSenderOf(context) } : {}) },
      });
      if (skipped) await this.fallbacks.fallBack(notification.id, SKIP_REASONS.optedOut);
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
      throw new DeliveryFailure('in_flight_elsewhere', 'another worker is sending this notification');
    }
    return { kind: 'ignored', reason: `already_${current?.status ?? 'gone'}` };
  }

  /**
   * The text as it goes out: the merchant's own when it gave one, else its template or Herald's built-in text for the
   * notification's kind, rendered now in the notification's language. An SMS also says how it travels.
   */
  private async compose(context: DeliveryContext, now: Date): Promise<ComposedMessage> {
    const { notification, order, merchant } = context;
    const { subject, body } =
      notification.body !== null
        ? { subject: notification.subject, body: notification.body }
        : await this.templates.render({
            merchant,
            kind: templateKindOf(notification),
            channel: notification.channel,
            locale: notification.locale,
            customerName: context.customerName,
            order: order && { reference: order.reference, pickupAt: new Date(order.pickupAt) },
            now,
          });
    if (notification.channel === 'email') return { subject, body, encoding: null, segments: null };
    if (notification.channel === 'whatsapp') return this.composeWhatsApp(context, body, now);
    return { subject: null, body, ...smsSizeOf(body) };
  }

  /**
   * A WhatsApp message goes free-form (the rendered body) within 24 hours of the customer's last WhatsApp message to
   * Herald's sender; outside that window, only as the merchant's approved template for its kind and language (a
   * notification with its own text has none), and with none it cannot go: it fails, and falls back to SMS.
   */
  private async composeWhatsApp(context: DeliveryContext, body: string, now: Date): Promise<ComposedMessage> {
    const { notification, order, merchant } = context;
    const text = { subject: null, body, encoding: null, segments: null };
    const channel = this.channelFor(notification);
    const lastInboundAt = await this.whatsappSessions.lastInboundAt(channel.sender, notification.recipient);
    if (whatsappSendMode(lastInboundAt, now) === 'session') return text;
    const content =
      notification.body === null
        ? await this.templates.whatsappTemplate({
            merchant,
            kind: templateKindOf(notification),
            locale: notification.locale,
            customerName: context.customerName,
            order: order && { reference: order.reference, pickupAt: new Date(order.pickupAt) },
            now,
          })
        : null;
    if (content) return { ...text, content };
    const why =
      notification.body === null
        ? `no approved WhatsApp template (contentSid) for ${templateKindOf(notification)} in ${notification.locale} or ${merchant.defaultLocale}`
        : 'a message with its own text has no approved template';
    return {
      ...text,
      unsendable: {
        code: WHATSAPP_TEMPLATE_MISSING_CODE,
        message: `outside the customer's 24-hour WhatsApp session window, and ${why}: WhatsApp takes no free-form message then`,
      },
    };
  }

  /** Throws the DeliveryFailure that makes BullMQ retry, or, when no retry will follow, dead-letters the notification. */
  private async recordFailure(
    notification: NotificationEntity,
    provider: string,
    error: unknown,
    attempt: AttemptInfo,
    takeover: TakeoverDetail | undefined,
    smsSender: string,
  ): Promise<DeliveryOutcome> {
    const failure =
      error instanceof ProviderError ? error : new ProviderError(provider, 'transient', 'internal', (error as Error)?.message ?? String(error));
    // Behind SMS routing, the provider that failed is the error's, not the channel's.
    provider = failure.provider;
    if (!notification.test) deliveryMetrics.outcomes.inc({ provider, outcome: failure.kind, code: failure.code ?? '' });
    const final = failure.kind === 'permanent' || attempt.number >= attempt.max;
    if (failure.code === RECIPIENT_UNSUBSCRIBED_CODE) {
      await this.optOuts.optOut(notification.channel === 'whatsapp' ? WHATSAPP_OPT_OUT_SENDER : smsSender, notification.recipient, 'provider');
    }
    const detail = { attempt: attempt.number, provider, code: failure.code, error: failure.message, permanent: failure.kind === 'permanent', ...takeover };
    this.logger.warn({
      msg: 'send failed',
      notificationId: notification.id,
      jobId: attempt.jobId,
      to: maskRecipient(notification.recipient),
      final,
      ...detail,
      error: maskContactsIn(failure.message),
    });
    const set = { lastError: failure.message, lastErrorCode: failure.code, provider };
    // What the queues keep (the job's failedReason and stack, the dead letter) is what Bull Board shows, and provider
    // messages quote the recipient: the jobs carry it masked, like the logs.
    const queuedMessage = maskContactsIn(failure.message);
    if (!final) {
      await this.notifications.transition(notification.id, { to: 'queued', from: ['sending'], set, detail });
      throw new DeliveryFailure(failure.code, queuedMessage, failure.retryAfterMs);
    }
    await this.notifications.transition(notification.id, { to: 'dead', from: ['sending'], set, detail });
    // Before the dead letter is parked: its alert says whether the customer was reached on the other channel.
    if (failure.kind === 'permanent') await this.fallbacks.fallBack(notification.id, failure.code);
    if (notification.test) return { kind: 'dead', code: failure.code, deadLetter: null };
    const deadLetter = await this.deadLetters.park({
      notificationId: notification.id,
      queue: attempt.queue,
      jobName: attempt.jobName,
      jobId: attempt.jobId,
      payload: { notificationId: notification.id },
      error: { code: failure.code, message: queuedMessage, permanent: failure.kind === 'permanent' },
      attempts: notification.attempts,
      failedAt: new Date().toISOString(),
    });
    deliveryMetrics.deadLetters.inc({ queue: attempt.queue, code: failure.code ?? '' });
    return { kind: 'dead', code: failure.code, deadLetter };
  }
}
