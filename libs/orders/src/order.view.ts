import { z } from 'zod';
import { orderReminderPolicy, reminderPolicySchema } from '@herald/merchants';
import { channelSchema, instantView, notificationKindSchema, notificationStatusSchema, NotificationView, notificationView, testFlagView } from '@herald/notifications';
import type { OrderNotificationStatus, OrderRecord } from '@herald/persistence';

/** The order as merchants see it over HTTP; the schema is its type and its OpenAPI description (see notification.view). */
export const orderView = z
  .object({
    id: z.uuid().meta({ description: 'The order id.', example: 'a8b6e2d4-1c3f-4e5a-9b7d-2f4c6e8a0b1d' }),
    reference: z.string().meta({ description: 'The merchant’s own reference, unique per merchant.', example: 'A-1042' }),
    status: z.enum(['active', 'cancelled']).meta({
      id: 'OrderStatus',
      description: '`active`, or `cancelled` (its pending notifications were cancelled and it can no longer change).',
    }),
    pickupAt: instantView('When the customer picks the order up', '2026-12-07T09:00:00.000Z'),
    reminderBefore: z.string().nullable().meta({
      description: 'ISO 8601 duration before pickup, e.g. P1D or PT2H; null when the order follows a wall-clock policy (see `reminderPolicy`).',
      example: 'PT2H',
    }),
    reminderPolicy: reminderPolicySchema,
    channels: z.array(channelSchema).meta({ description: 'The channels the order notifies on.', example: ['sms'] }),
    customer: z
      .object({
        id: z.uuid().meta({ description: 'The customer’s id: GET /v1/customers/{id}, or `customerId` of a next order.', example: '0b6f2d4e-7a1c-4e3b-9d5f-8c2a6e4b1f3d' }),
        name: z.string().nullable().meta({ description: 'Used in the greeting.', example: 'Ada' }),
        phone: z.string().nullable().meta({ description: 'E.164 phone number.', example: '+33612345678' }),
        email: z.email().nullable().meta({ description: 'Email address, lower-cased.', example: null }),
        locale: z.string().meta({
          description: 'Language of the texts: your template in it if you have one, else the built-in text (`en`, `fr`, `es`, `ar`), else English.',
          example: 'fr',
        }),
      })
      .meta({ description: 'Who is notified.' }),
    test: testFlagView('True for an order made with a test key: its notifications never reach a provider, and only test keys see it.'),
    createdAt: instantView('When the order was registered', '2026-11-30T16:20:00.000Z'),
    updatedAt: instantView('When the order last changed', '2026-11-30T16:20:00.000Z'),
    notifications: z.array(notificationView).meta({
      description:
        'Per channel: the confirmation, then the reminder; and, when the pickup moved after the reminder went out, one more reminder ' +
        'linked to it by `previousReminderId`.',
    }),
  })
  .meta({ id: 'Order', description: 'An order with its notifications and their histories.' });
export type OrderView = z.infer<typeof orderView>;

export function toOrderView({ order, customer }: OrderRecord, notifications: NotificationView[]): OrderView {
  return {
    id: order.id,
    reference: order.reference,
    status: order.status,
    pickupAt: new Date(order.pickupAt).toISOString(),
    reminderBefore: order.reminderBefore,
    reminderPolicy: orderReminderPolicy(order),
    channels: order.channels,
    customer: { id: customer.id, name: customer.name, phone: customer.phone, email: customer.email, locale: customer.locale },
    test: order.test,
    createdAt: new Date(order.createdAt).toISOString(),
    updatedAt: new Date(order.updatedAt).toISOString(),
    notifications,
  };
}

/** A notification of a listed order as it stands now; its history is on GET /v1/orders/{id} or GET /v1/notifications/{id}. */
export const orderNotificationStatusView = z
  .object({
    id: z.uuid().meta({ description: 'The notification id.', example: '3f0c2a9e-8d1b-4c52-9a57-6b1e0f4d2c71' }),
    kind: notificationKindSchema,
    channel: channelSchema,
    status: notificationStatusSchema,
    statusReason: z.string().nullable().meta({ description: 'Why it ended `skipped` or `undelivered`.', example: null }),
    scheduledFor: instantView('When it is (or was) due to go out'),
    sentAt: instantView('When the provider accepted it').nullable(),
    updatedAt: instantView('When its status last changed', '2026-11-30T16:20:01.000Z'),
  })
  .meta({ id: 'OrderNotificationStatus', description: 'Where one notification of the order stands now.' });

export const orderSummaryView = orderView
  .omit({ notifications: true })
  .extend({
    notifications: z.array(orderNotificationStatusView).meta({ description: 'The order’s notifications as they stand now, in the order they were planned.' }),
  })
  .meta({ id: 'OrderSummary', description: 'An order with the current status of each of its notifications.' });
export type OrderSummaryView = z.infer<typeof orderSummaryView>;

export const orderPageView = z
  .object({
    data: z.array(orderSummaryView).meta({ description: 'Newest first.' }),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.', example: null }),
  })
  .meta({ id: 'OrderPage', description: 'One page of orders.' });
export type OrderPageView = z.infer<typeof orderPageView>;

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function toOrderSummaryView(record: OrderRecord, notifications: OrderNotificationStatus[]): OrderSummaryView {
  const { notifications: _, ...order } = toOrderView(record, []);
  return {
    ...order,
    notifications: notifications.map((n) => ({
      id: n.id,
      kind: n.kind,
      channel: n.channel,
      status: n.status,
      statusReason: n.statusReason,
      scheduledFor: iso(n.scheduledFor)!,
      sentAt: iso(n.sentAt),
      updatedAt: iso(n.updatedAt)!,
    })),
  };
}
