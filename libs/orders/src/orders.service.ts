import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CustomersService, unknownCustomer } from '@herald/customers';
import { DomainError, notFound } from '@herald/errors';
import { merchantReminderPolicy, orderReminderPolicy, reminderPolicyColumns, schedulingRulesOf } from '@herald/merchants';
import { decodeCursor, pageOf, isPending, NotificationsService, ScheduleHorizon, toNotificationView } from '@herald/notifications';
import {
  Channel,
  contactFieldOf,
  MerchantEntity,
  NewNotification,
  NotificationEntity,
  NotificationRepository,
  OrderNotificationStatus,
  OrderPageQuery,
  OrderRecord,
  OrderRepository,
} from '@herald/persistence';
import { NotificationJobs, settleCommittedWork } from '@herald/queues';
import { planFollowUp, planReminder, quietHoursDetail, ReminderPolicy, SendPlan } from '@herald/scheduling';
import { OrderPageView, OrderView, toOrderSummaryView, toOrderView } from './order.view';

export interface NewOrderInput {
  reference: string;
  /** The customer as the order gives it; or `customerId`, one the merchant already has. */
  customer?: { name?: string; phone?: string; email?: string; locale?: string };
  customerId?: string;
  pickupAt: Date;
  reminderBefore?: string;
  channels?: Channel[];
}

/** GET /v1/orders: filters, page size and the previous page's `nextCursor`. */
export type OrderListQuery = Omit<OrderPageQuery, 'merchantId' | 'test' | 'after'> & { cursor?: string };

export interface OrderChanges {
  pickupAt?: Date;
  reminderBefore?: string;
}

/** The order's columns for its reminder policy. */
function policyColumnsOf(policy: ReminderPolicy) {
  const { before, daysBefore, at } = reminderPolicyColumns(policy);
  return { reminderBefore: before, reminderDaysBefore: daysBefore, reminderAt: at };
}

/** An order a little in the past is a walk-in being keyed in; much older is a typo. */
const PICKUP_PAST_TOLERANCE_MS = 5 * 60_000;
const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

/** Who a notification of an order goes to, and how: everything a reminder shares with its confirmation. */
type OrderRecipient = Pick<NewNotification, 'merchantId' | 'orderId' | 'channel' | 'priority' | 'recipient' | 'locale' | 'test'> &
  Pick<Partial<NewNotification>, 'customerId'>;

/** A reminder per its plan: due at its time, sent now, or skipped with the reason; `previousReminderId` for a follow-up. */
function reminderFor(
  { merchantId, orderId, customerId, channel, priority, recipient, locale, test }: OrderRecipient,
  plan: SendPlan,
  previousReminderId: string | null = null,
): NewNotification {
  return {
    id: randomUUID(),
    merchantId,
    orderId,
    customerId,
    channel,
    priority,
    recipient,
    locale,
    test,
    kind: 'reminder',
    body: null,
    status: plan.status,
    scheduledFor: plan.scheduledFor,
    statusReason: plan.status === 'skipped' ? plan.reason : null,
    previousReminderId,
    ...(plan.status !== 'skipped' && plan.quietHours ? { detail: quietHoursDetail(plan.quietHours) } : {}),
  };
}

/**
 * Where an order becomes notifications: a confirmation now (never delayed, quiet hours or not) and a reminder before
 * pickup, per channel, planned by the merchant's current settings: its reminder policy unless the order gives a
 * `reminderBefore`, its zone and its quiet hours. The order keeps the policy it was planned with.
 *
 * `test`: the caller holds a test key. Its orders, their customers and notifications are the merchant's test world,
 * and it reaches nothing else: an order of the other world answers 404, as another merchant's does.
 */
@Injectable()
export class OrdersService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly notifications: NotificationRepository,
    private readonly notificationViews: NotificationsService,
    private readonly jobs: NotificationJobs,
    private readonly horizon: ScheduleHorizon,
    private readonly customers: CustomersService,
  ) {}

  async create(merchant: MerchantEntity, test: boolean, input: NewOrderInput): Promise<OrderView> {
    const now = new Date();
    if (input.pickupAt.getTime() < now.getTime() - PICKUP_PAST_TOLERANCE_MS) {
      throw new DomainError('unprocessable', 'pickup_at_in_past', 'pickupAt is in the past');
    }
    this.horizon.check('pickupAt', input.pickupAt, now);
    if (input.reminderBefore) this.horizon.checkLeadTime('reminderBefore', input.reminderBefore, now);
    const known = input.customerId ? await this.customers.findForOrder(merchant, test, input.customerId) : null;
    // What a returning customer's row could change: the channel, when the order names none and its contacts allow a
    // choice, and the locale, when the order gives none. Otherwise the order is written without reading it first.
    const returningMatters = !known && (!input.customer!.locale || (!input.channels?.length && this.customers.preferenceCanDecide(input.customer!)));
    const returning = returningMatters ? await this.customers.returning(merchant, test, input.customer!) : null;
    const customer = known ?? input.customer!;
    const channels: Channel[] = input.channels?.length
      ? [...new Set(input.channels)]
      : [this.customers.defaultChannelOf(customer, (known ?? returning)?.preferredChannel ?? null)];
    const recipients = new Map(channels.map((channel) => [channel, this.recipientFor(channel, customer)]));
    const policy: ReminderPolicy = input.reminderBefore ? { before: input.reminderBefore } : merchantReminderPolicy(merchant);
    const reminder = planReminder(input.pickupAt, policy, schedulingRulesOf(merchant), now);
    const locale = known?.locale ?? input.customer?.locale ?? returning?.locale ?? merchant.defaultLocale;

    const orderId = randomUUID();
    const notifications = channels.flatMap((channel): NewNotification[] => {
      const recipient = { merchantId: merchant.id, orderId, channel, priority: 'critical' as const, recipient: recipients.get(channel)!, locale, test };
      return [{ ...recipient, id: randomUUID(), kind: 'confirmation', body: null, status: 'queued', scheduledFor: now }, reminderFor(recipient, reminder)];
    });

    let created;
    try {
      created = await this.orders.create(
        known
          ? { id: known.id, merchantId: merchant.id, existing: true }
          : { id: randomUUID(), merchantId: merchant.id, name: customer.name ?? null, phone: customer.phone ?? null, email: customer.email ?? null, locale, test },
        { id: orderId, merchantId: merchant.id, reference: input.reference, pickupAt: input.pickupAt, ...policyColumnsOf(policy), channels, test },
        notifications,
      );
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new DomainError('conflict', 'order_reference_taken', `an order with reference ${input.reference} already exists`);
      }
      // The customer named by id was erased since it was read: the order, found no customer to belong to, was not written.
      if (known && (error as { code?: string }).code === FOREIGN_KEY_VIOLATION) throw unknownCustomer(known.id);
      throw error;
    }
    await settleCommittedWork(`order ${orderId}`, () => this.jobs.schedule(created.notifications.filter((n) => isPending(n.status))));
    // The response is built from what the statement returned: no second read.
    return toOrderView(created, created.notifications.map((n) => toNotificationView(n, created.events)));
  }

  async get(merchant: MerchantEntity, test: boolean, orderId: string): Promise<OrderView> {
    const record = await this.orders.findForMerchant({ merchantId: merchant.id, test }, orderId);
    if (!record) throw notFound('order');
    return this.view(record, await this.notifications.findByOrder(orderId));
  }

  /** One statement for the page of orders, one for their notifications. */
  async list(merchant: MerchantEntity, test: boolean, { cursor, ...filters }: OrderListQuery): Promise<OrderPageView> {
    const rows = await this.orders.page({ ...filters, merchantId: merchant.id, test, limit: filters.limit + 1, after: cursor ? decodeCursor(cursor) : undefined });
    const { page, nextCursor } = pageOf(rows, filters.limit, (record) => record.order);
    const byOrder = new Map(page.map((record) => [record.order.id, [] as OrderNotificationStatus[]]));
    for (const status of await this.orders.notificationStatuses(merchant.id, [...byOrder.keys()])) byOrder.get(status.orderId)?.push(status);
    return { data: page.map((record) => toOrderSummaryView(record, byOrder.get(record.order.id)!)), nextCursor };
  }

  /**
   * Before the reminder goes out, the same reminder (same notification, same job id) moves to the new time. After it
   * went out, a changed `reminderBefore` alone changes no notification (the order keeps the lead time for a later
   * move), and a moved pickup gets one new reminder for the new time, linked to the one sent, saying the pickup moved.
   */
  async update(merchant: MerchantEntity, test: boolean, orderId: string, changes: OrderChanges): Promise<OrderView> {
    const now = new Date();
    if (changes.pickupAt) this.horizon.check('pickupAt', changes.pickupAt, now);
    if (changes.reminderBefore) this.horizon.checkLeadTime('reminderBefore', changes.reminderBefore, now);
    const { record, moved, added } = await this.orders.withLockedOrder({ merchantId: merchant.id, test }, orderId, async (record, manager) => {
      if (!record) throw notFound('order');
      if (record.order.status === 'cancelled') throw new DomainError('conflict', 'order_cancelled', 'a cancelled order cannot be changed');
      const previousPickupAt = new Date(record.order.pickupAt);
      const pickupAt = changes.pickupAt ?? previousPickupAt;
      const pickupMoved = pickupAt.getTime() !== previousPickupAt.getTime();
      const policy: ReminderPolicy = changes.reminderBefore ? { before: changes.reminderBefore } : orderReminderPolicy(record.order);
      const rules = schedulingRulesOf(merchant);
      await this.orders.update(orderId, { pickupAt, ...policyColumnsOf(policy) }, manager);

      const moved: NotificationEntity[] = [];
      const added: NotificationEntity[] = [];
      const existing = await this.notifications.findByOrder(orderId, manager);
      for (const channel of record.order.channels) {
        const reminders = existing.filter((n) => n.kind === 'reminder' && n.channel === channel);
        const pending = reminders.find((n) => isPending(n.status));
        const latest = reminders[reminders.length - 1];
        if (pending) {
          const plan = (pending.previousReminderId ? planFollowUp : planReminder)(pickupAt, policy, rules, now);
          const rescheduled = { from: new Date(pending.scheduledFor).toISOString(), to: plan.scheduledFor.toISOString() };
          const changed = await this.notifications.transition(
            pending.id,
            {
              to: plan.status,
              from: [pending.status],
              set: { scheduledFor: plan.scheduledFor, statusReason: plan.status === 'skipped' ? plan.reason : null },
              detail: {
                rescheduled,
                ...(plan.status === 'skipped' ? { reason: plan.reason } : {}),
                ...(plan.status !== 'skipped' && plan.quietHours ? quietHoursDetail(plan.quietHours) : {}),
              },
            },
            manager,
          );
          if (changed) moved.push(changed);
        } else if (pickupMoved && latest && latest.status !== 'cancelled') {
          // A reminder the merchant cancelled stays cancelled; any other one told (or meant to tell) the old time.
          const plan = planFollowUp(pickupAt, policy, rules, now);
          if (plan.status === 'skipped') continue;
          const { notifications } = await this.notifications.insert([reminderFor(latest, plan, latest.id)], manager);
          added.push(...notifications);
        }
      }
      return { record: { ...record, order: { ...record.order, pickupAt, ...policyColumnsOf(policy) } }, moved, added };
    });
    await settleCommittedWork(`changed order ${orderId}`, async () => {
      for (const notification of moved) {
        if (isPending(notification.status)) await this.jobs.reschedule(notification);
        else await this.jobs.unschedule(notification);
      }
      await this.jobs.schedule(added);
    });
    return this.view(record, await this.notifications.findByOrder(orderId));
  }

  /** Every pending notification of the order becomes `cancelled` and its job is removed. */
  async cancel(merchant: MerchantEntity, test: boolean, orderId: string): Promise<OrderView> {
    const cancelled = await this.orders.withLockedOrder({ merchantId: merchant.id, test }, orderId, async (record, manager) => {
      if (!record) throw notFound('order');
      await this.orders.update(orderId, { status: 'cancelled' }, manager);
      const done: NotificationEntity[] = [];
      for (const notification of await this.notifications.findByOrder(orderId, manager)) {
        if (!isPending(notification.status)) continue;
        const changed = await this.notifications.transition(
          notification.id,
          { to: 'cancelled', from: [notification.status], detail: { by: 'merchant', reason: 'order_cancelled' } },
          manager,
        );
        if (changed) done.push(changed);
      }
      return done;
    });
    await settleCommittedWork(`cancelled order ${orderId}`, async () => {
      for (const notification of cancelled) await this.jobs.unschedule(notification);
    });
    return this.get(merchant, test, orderId);
  }

  private recipientFor(channel: Channel, customer: { phone?: string | null; email?: string | null }): string {
    const field = contactFieldOf(channel);
    const recipient = customer[field];
    if (!recipient) throw new DomainError('unprocessable', 'channel_recipient_missing', `the customer has no ${field}: the ${channel} channel needs one`);
    return recipient;
  }

  private async view(record: OrderRecord, notifications: NotificationEntity[]): Promise<OrderView> {
    return toOrderView(record, await this.notificationViews.views(notifications));
  }
}
