import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError, notFound } from '@herald/errors';
import { builtInText, KIND_OF_TEMPLATE_NAME, renderMessage, TemplateName } from '@herald/messages';
import { Channel, FallbackRepository, MerchantEntity, NotificationEntity, NotificationRepository, NotificationStatus, Priority } from '@herald/persistence';
import { NotificationJobs, settleCommittedWork } from '@herald/queues';
import { schedulingRulesOf } from '@herald/merchants';
import { planBulkSend, quietHoursDetail, TimedPlan } from '@herald/scheduling';
import { PENDING_STATUSES } from './lifecycle';
import { NotificationPageView, NotificationView, toNotificationView } from './notification.view';
import { decodeCursor, pageOf } from './page-cursor';
import { ScheduleHorizon } from './schedule-horizon';

export interface NewMessage {
  channel: Channel;
  to: string;
  body?: string;
  subject?: string;
  template?: { name: TemplateName; reference: string; pickupAt: Date; customerName?: string };
  /** Default: the merchant's `defaultLocale`. */
  locale?: string;
  sendAt?: Date;
  priority: Priority;
}

export interface ListQuery {
  status?: NotificationStatus;
  orderId?: string;
  limit: number;
  cursor?: string;
}

/**
 * Notifications as merchants handle them directly: one-off messages, look-ups, listing, cancelling. `test`: the caller
 * holds a test key; it makes test notifications and sees only those (the other world's answer 404).
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly fallbacks: FallbackRepository,
    private readonly jobs: NotificationJobs,
    private readonly horizon: ScheduleHorizon,
  ) {}

  /**
   * A one-off message, at `sendAt` or now. On `critical` it is never delayed; on `bulk` it keeps out of the merchant's
   * quiet hours (moved to their end).
   */
  async create(merchant: MerchantEntity, test: boolean, message: NewMessage): Promise<NotificationView> {
    const now = new Date();
    if (message.sendAt) this.horizon.check('sendAt', message.sendAt, now);
    const due = message.sendAt && message.sendAt > now ? message.sendAt : now;
    const plan: TimedPlan =
      message.priority === 'bulk'
        ? planBulkSend(due, schedulingRulesOf(merchant), now)
        : { status: due > now ? 'scheduled' : 'queued', scheduledFor: due, quietHours: null };
    const { scheduledFor } = plan;
    const locale = message.locale ?? merchant.defaultLocale;
    const {
      notifications: [created],
      events,
    } = await this.notifications.insert([
      {
        id: randomUUID(),
        merchantId: merchant.id,
        orderId: null,
        kind: 'message',
        channel: message.channel,
        priority: message.priority,
        recipient: message.to,
        locale,
        subject: message.channel === 'email' ? (message.subject ?? `Message from ${merchant.name}`) : null,
        body: this.bodyOf(merchant, message, locale, scheduledFor),
        status: plan.status,
        scheduledFor,
        test,
        ...(plan.quietHours && { detail: quietHoursDetail(plan.quietHours) }),
      },
    ]);
    await settleCommittedWork(`notification ${created.id}`, () => this.jobs.schedule([created]));
    return toNotificationView(created, events);
  }

  async get(merchant: MerchantEntity, test: boolean, id: string): Promise<NotificationView> {
    return this.view(await this.findOwned(merchant, test, id));
  }

  async list(merchant: MerchantEntity, test: boolean, query: ListQuery): Promise<NotificationPageView> {
    const rows = await this.notifications.page({
      merchantId: merchant.id,
      test,
      status: query.status,
      orderId: query.orderId,
      limit: query.limit + 1,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
    });
    const { page, nextCursor } = pageOf(rows, query.limit);
    return { data: await this.views(page), nextCursor };
  }

  async cancel(merchant: MerchantEntity, test: boolean, id: string): Promise<NotificationView> {
    const existing = await this.findOwned(merchant, test, id);
    const cancelled = await this.cancelPending(existing.id, { by: 'merchant' });
    if (!cancelled) {
      const current = (await this.notifications.findById(id))!;
      throw new DomainError('conflict', 'notification_not_cancellable', `a ${current.status} notification cannot be cancelled`, {
        status: current.status,
      });
    }
    return this.view(cancelled);
  }

  /**
   * `scheduled`/`queued` → `cancelled`, its history event logged and its job removed; null when it was no longer pending.
   * `detail.reason`, when given, is also the notification's `statusReason`.
   */
  async cancelPending(id: string, detail: { by: string; reason?: string }): Promise<NotificationEntity | null> {
    const cancelled = await this.notifications.transition(id, {
      to: 'cancelled',
      from: PENDING_STATUSES,
      ...(detail.reason ? { set: { statusReason: detail.reason } } : {}),
      detail,
    });
    if (cancelled) await settleCommittedWork(`cancelled notification ${cancelled.id}`, () => this.jobs.unschedule(cancelled));
    return cancelled;
  }

  async view(notification: NotificationEntity): Promise<NotificationView> {
    const [view] = await this.views([notification]);
    return view;
  }

  /** Views of several notifications, with their histories read in one query and their fallbacks in another. */
  async views(notifications: NotificationEntity[]): Promise<NotificationView[]> {
    const ids = notifications.map((n) => n.id);
    const [events, fallbacks] = await Promise.all([this.notifications.eventsOf(ids), this.fallbacks.fallbacksOf(ids)]);
    return notifications.map((n) => toNotificationView(n, events, fallbacks.get(n.id) ?? null));
  }

  private async findOwned(merchant: MerchantEntity, test: boolean, id: string): Promise<NotificationEntity> {
    const notification = await this.notifications.findForMerchant({ merchantId: merchant.id, test }, id);
    if (!notification) throw notFound('notification');
    return notification;
  }

  /** The given text, or the named built-in text rendered now in the message's language. */
  private bodyOf(merchant: MerchantEntity, message: NewMessage, locale: string, sendAt: Date): string {
    if (!message.template) return message.body!;
    const { text, locale: textLocale } = builtInText(KIND_OF_TEMPLATE_NAME[message.template.name], locale);
    const facts = {
      shopName: merchant.name,
      customerName: message.template.customerName ?? null,
      order: { reference: message.template.reference, pickupAt: message.template.pickupAt },
      timezone: merchant.timezone,
      now: sendAt,
    };
    return renderMessage(text, facts, textLocale).body;
  }
}
