import { Injectable, Logger } from '@nestjs/common';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { E164_NUMBER, maskRecipient, phoneOfWhatsAppAddress, RECIPIENT_UNSUBSCRIBED_CODE, WHATSAPP_UNREACHABLE_CODES } from '@herald/channels';
import { CustomersService, FallbackService } from '@herald/customers';
import { deliveryMetrics } from '@herald/observability';
import {
  NotificationChanges,
  NotificationEntity,
  NotificationRepository,
  OptOutRepository,
  WHATSAPP_OPT_OUT_SENDER,
  WhatsAppSessionRepository,
} from '@herald/persistence';
import { AWAITING_RECEIPT, DeliveryReceipt } from './delivery-receipt';
import { classifyKeyword } from './opt-out-keywords';
import { EMAIL_UNDELIVERED_REASONS, optOutFromSendGridEvent, receiptFromSendGridEvent } from './sendgrid-receipts';
import { receiptFromTwilioStatus, TwilioInboundMessage, TwilioStatusCallback, TwilioStatusQuery } from './twilio-receipts';
import { receiptFromVonageStatus, VonageDeliveryReceipt, VonageInboundMessage, vonageNumber } from './vonage-receipts';

/** A receipt whose provider message id and the notification id Herald put on the message name different messages. */
const CONFLICTING = Symbol('conflicting receipt');

/**
 * Where a provider's answer becomes a status: delivery receipts finish notifications (`delivered` or `undelivered`,
 * once, never rewritten), and STOP/START texts opt customers out and back in. Callers have verified the provider's
 * signature. A receipt is matched by the provider's own message id; the id Herald put on the message (callback URL,
 * custom arg) only finds a notification whose provider id is not recorded yet, and never overrides the provider's.
 */
@Injectable()
export class ReceiptsService {
  private readonly logger = new Logger(ReceiptsService.name);
  private readonly twilioFrom: string | null;
  private readonly twilioAccountSid: string | null;
  private readonly vonageApiKey: string | null;
  /**
   * The number whose opt-out list a platform SMS goes by (the first of SMS_PROVIDERS'): a STOP texted to another
   * provider's number opts the customer out of it too, since the customer cannot tell which provider sent a text.
   */
  private readonly platformSmsSender: string | null;
  private readonly providerNumbers: Set<string>;

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly optOuts: OptOutRepository,
    private readonly customers: CustomersService,
    private readonly fallbacks: FallbackService,
    private readonly whatsappSessions: WhatsAppSessionRepository,
    @InjectConfig() config: HeraldConfig,
  ) {
    this.twilioFrom = config.twilio?.from ?? null;
    this.twilioAccountSid = config.twilio?.accountSid ?? null;
    this.vonageApiKey = config.vonage?.apiKey ?? null;
    const first = config.smsProviders[0]?.provider;
    this.platformSmsSender = first ? (config[first]?.from ?? null) : null;
    this.providerNumbers = new Set([config.twilio?.from, config.vonage?.from].filter((n): n is string => Boolean(n)).map((n) => vonageNumber(n.replace(/^\+/, ''))));
  }

  async recordTwilioStatus(query: TwilioStatusQuery, callback: TwilioStatusCallback): Promise<void> {
    if (this.twilioAccountSid && callback.AccountSid && callback.AccountSid !== this.twilioAccountSid) {
      // Answered with success all the same (see record): Twilio would retry it for nothing.
      this.logger.warn({ msg: 'ignored a Twilio status callback for another account', accountSid: callback.AccountSid, messageSid: callback.MessageSid });
      return;
    }
    const receipt = receiptFromTwilioStatus(query, callback);
    if (!receipt) return;
    const notification = await this.record(receipt);
    if (notification === CONFLICTING) return;
    if (receipt.outcome.status === 'undelivered' && receipt.outcome.errorCode === RECIPIENT_UNSUBSCRIBED_CODE) {
      const whatsappPhone = callback.To ? phoneOfWhatsAppAddress(callback.To) : null;
      if (whatsappPhone || notification?.channel === 'whatsapp') {
        const phone = whatsappPhone ?? notification?.recipient;
        if (phone) await this.optOuts.optOut(WHATSAPP_OPT_OUT_SENDER, phone, 'provider');
        return;
      }
      const sender = callback.From || this.twilioFrom;
      const phone = callback.To || notification?.recipient;
      if (sender && phone) for (const list of await this.optOutListsOf('twilio', sender)) await this.optOuts.optOut(list, phone, 'provider');
    }
  }

  /** An SMS, or a WhatsApp message (`From` `whatsapp:+…`), to one of Herald's Twilio senders. */
  async handleTwilioInbound(message: TwilioInboundMessage): Promise<void> {
    const whatsappPhone = phoneOfWhatsAppAddress(message.From);
    if (whatsappPhone !== null) {
      if (E164_NUMBER.test(whatsappPhone)) return this.handleWhatsAppInbound(whatsappPhone, message.To, message.Body);
      this.logger.warn({ msg: 'ignored a WhatsApp message from an address that is no phone number', from: maskRecipient(message.From) });
      return;
    }
    await this.handleInbound('twilio', message.From, message.To, message.Body);
  }

  /**
   * A customer's WhatsApp message opens (or keeps open) its 24-hour session window with the sender it wrote to; STOP and
   * START opt it out of WhatsApp, or back in, and leave its SMS consent as it is.
   */
  private async handleWhatsAppInbound(phone: string, sender: string, text: string): Promise<void> {
    await this.whatsappSessions.recordInbound(sender, phone, new Date());
    const intent = classifyKeyword(text);
    const customer = maskRecipient(phone);
    if (intent === 'opt_out') {
      const changed = await this.optOuts.optOut(WHATSAPP_OPT_OUT_SENDER, phone, 'keyword');
      this.logger.log({ msg: 'customer opted out of WhatsApp by keyword', from: customer, sender, changed });
    } else if (intent === 'opt_in') {
      const changed = await this.optOuts.optIn(WHATSAPP_OPT_OUT_SENDER, phone);
      this.logger.log({ msg: 'customer opted back in to WhatsApp by keyword', from: customer, sender, changed });
    } else {
      this.logger.log({ msg: 'a WhatsApp message opened the session window', from: customer, sender });
    }
  }

  async recordVonageStatus(callback: VonageDeliveryReceipt): Promise<void> {
    if (this.vonageApiKey && callback['api-key'] && callback['api-key'] !== this.vonageApiKey) {
      this.logger.warn({ msg: 'ignored a Vonage delivery receipt for another account', messageId: callback.messageId });
      return;
    }
    const receipt = receiptFromVonageStatus(callback);
    if (receipt) await this.record(receipt);
  }

  async handleVonageInbound(message: VonageInboundMessage): Promise<void> {
    await this.handleInbound('vonage', vonageNumber(message.msisdn), vonageNumber(message.to), message.text);
  }

  /**
   * The senders whose opt-out lists a STOP to `number` at `provider` goes on: the number's own, and the one its texts
   * are checked against when the customer could not tell them apart: the platform's (for another provider's platform
   * number), or the merchant's `smsFrom` (for one of the merchant's numbers by provider).
   */
  private async optOutListsOf(provider: string, number: string): Promise<string[]> {
    const behind = this.providerNumbers.has(number) ? this.platformSmsSender : await this.optOuts.merchantSenderBehind(provider, number);
    return behind && behind !== number ? [number, behind] : [number];
  }

  /** STOP and START texted to one of Herald's numbers or a merchant's: opted out or in of that sender (and see optOutListsOf). */
  private async handleInbound(provider: string, from: string, to: string, text: string): Promise<void> {
    const intent = classifyKeyword(text);
    const customer = maskRecipient(from);
    const senders = await this.optOutListsOf(provider, to);
    if (intent === 'opt_out') {
      let changed = false;
      for (const sender of senders) changed = (await this.optOuts.optOut(sender, from, 'keyword')) || changed;
      this.logger.log({ msg: 'customer opted out by keyword', provider, from: customer, sender: to, changed });
    } else if (intent === 'opt_in') {
      let changed = false;
      for (const sender of senders) changed = (await this.optOuts.optIn(sender, from)) || changed;
      this.logger.log({ msg: 'customer opted back in by keyword', provider, from: customer, sender: to, changed });
    } else {
      // Herald has no inbox; the text itself is the customer's and is not logged.
      this.logger.log({ msg: 'ignored an inbound SMS that is not an opt-out or opt-in keyword', provider, from: customer, sender: to });
    }
  }

  /** Events are applied in the order SendGrid sent them, so the first final event of a mail wins. */
  async recordSendGridEvents(events: unknown[]): Promise<void> {
    for (const event of events) {
      const receipt = receiptFromSendGridEvent(event);
      if (receipt) await this.record(receipt);
      const optOut = optOutFromSendGridEvent(event);
      if (optOut) await this.recordEmailOptOut(optOut);
    }
  }

  /** The address is opted out of the email of the merchant whose mail it answered. */
  private async recordEmailOptOut(optOut: NonNullable<ReturnType<typeof optOutFromSendGridEvent>>): Promise<void> {
    const notification = await this.match({ provider: 'sendgrid', notificationId: optOut.notificationId, providerMessageId: optOut.providerMessageId });
    if (notification === CONFLICTING) return;
    if (!notification) {
      this.logger.warn({ msg: 'email opt-out for no known notification: whose email it was is unknown', event: optOut.event, to: maskRecipient(optOut.email) });
      return;
    }
    await this.customers.emailOptedOut(notification.merchantId, optOut.email, optOut.event);
  }

  /** Applies a receipt to its notification if it is still awaiting one; returns the notification it names, if any. */
  private async record(receipt: DeliveryReceipt): Promise<NotificationEntity | typeof CONFLICTING | null> {
    const notification = await this.match(receipt);
    if (notification === CONFLICTING) return notification;
    if (!notification) {
      // Answered with success all the same: a provider retrying a receipt nobody can match would retry forever.
      this.logger.warn({
        msg: 'delivery receipt for no known notification',
        provider: receipt.provider,
        notificationId: receipt.notificationId,
        providerMessageId: receipt.providerMessageId,
      });
      return null;
    }
    const { outcome } = receipt;
    // A receipt can overtake the worker's own `sent` write (which then finds the notification finished): keep the id.
    const missingId = !notification.providerMessageId && receipt.providerMessageId;
    const set: NotificationChanges = {
      ...(outcome.status === 'undelivered' ? { lastError: outcome.error, lastErrorCode: outcome.errorCode } : {}),
      ...(outcome.status === 'undelivered' && outcome.reason ? { statusReason: outcome.reason } : {}),
      ...(missingId ? { provider: receipt.provider, providerMessageId: receipt.providerMessageId } : {}),
    };
    const changed = await this.notifications.transition(notification.id, { to: outcome.status, from: AWAITING_RECEIPT, set, detail: receipt.detail });
    if (changed?.sentAt && outcome.status === 'delivered' && !changed.test) {
      deliveryMetrics.receiptDelay.observe({ provider: receipt.provider }, Math.max(0, (Date.now() - new Date(changed.sentAt).getTime()) / 1000));
    }
    if (changed && outcome.status === 'undelivered' && isPermanentlyUnreachable(receipt, changed.channel)) {
      await this.fallbacks.fallBack(changed.id, outcome.errorCode ?? outcome.reason);
    }
    if (!changed) {
      this.logger.debug({ msg: 'delivery receipt changed nothing', notificationId: notification.id, receipt: outcome.status, status: notification.status });
    }
    return notification;
  }

  /**
   * The notification a receipt is about: the one with the provider's message id. The notification id Herald put on
   * the message only stands in when the provider's id is not recorded yet (the receipt overtook the worker's `sent`
   * write, or the event carries none), and only for a notification of that provider's channel awaiting that very
   * message. When the two ids name different messages the receipt is ignored: CONFLICTING.
   */
  private async match(receipt: Pick<DeliveryReceipt, 'provider' | 'notificationId' | 'providerMessageId'>): Promise<NotificationEntity | typeof CONFLICTING | null> {
    const byProviderId = receipt.providerMessageId ? await this.notifications.findByProviderMessageId(receipt.provider, receipt.providerMessageId) : null;
    if (byProviderId) return !receipt.notificationId || receipt.notificationId === byProviderId.id ? byProviderId : this.conflicting(receipt, byProviderId);
    const named = receipt.notificationId ? await this.notifications.findById(receipt.notificationId) : null;
    if (!named) return null;
    const otherMessage = named.providerMessageId !== null && receipt.providerMessageId !== null && named.providerMessageId !== receipt.providerMessageId;
    if (otherMessage || !CHANNELS_OF[receipt.provider].includes(named.channel)) return this.conflicting(receipt, named);
    return named;
  }

  private conflicting(receipt: Pick<DeliveryReceipt, 'provider' | 'notificationId' | 'providerMessageId'>, found: NotificationEntity): typeof CONFLICTING {
    // A provider retrying would change nothing: answered with success like an unknown receipt (see record).
    this.logger.warn({
      msg: 'ignored a delivery receipt whose provider message id and notification id disagree',
      provider: receipt.provider,
      notificationId: receipt.notificationId,
      providerMessageId: receipt.providerMessageId,
      matchedNotificationId: found.id,
      matchedProviderMessageId: found.providerMessageId,
    });
    return CONFLICTING;
  }
}

const CHANNELS_OF: Record<DeliveryReceipt['provider'], NotificationEntity['channel'][]> = { twilio: ['sms', 'whatsapp'], vonage: ['sms'], sendgrid: ['email'] };

/**
 * A receipt saying this address will not take the message, ever: a bounce or a drop, a recipient that unsubscribed, or
 * a WhatsApp message its recipient cannot get (not a WhatsApp user, outside the session window…: an SMS may reach it).
 */
function isPermanentlyUnreachable({ outcome }: DeliveryReceipt, channel: NotificationEntity['channel']): boolean {
  if (outcome.status !== 'undelivered') return false;
  if (channel === 'whatsapp' && WHATSAPP_UNREACHABLE_CODES.has(outcome.errorCode ?? '')) return true;
  return (Object.values(EMAIL_UNDELIVERED_REASONS) as string[]).includes(outcome.reason ?? '') || outcome.errorCode === RECIPIENT_UNSUBSCRIBED_CODE;
}
