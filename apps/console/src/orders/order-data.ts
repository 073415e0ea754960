import { api, expectData, type Schemas } from '../api/client';
import type { LiveEvent } from '../live/live-stream';

export type Order = Schemas['Order'];
export type OrderSummary = Schemas['OrderSummary'];
export type NotificationStatusView = OrderSummary['notifications'][number];

/** An order as lists show it: each notification as it stands now, without its history. */
export function summaryOf(order: Order): OrderSummary {
  return {
    ...order,
    notifications: order.notifications.map(({ id, kind, channel, status, statusReason, scheduledFor, sentAt, updatedAt }) => ({
      id,
      kind,
      channel,
      status,
      statusReason,
      scheduledFor,
      sentAt,
      updatedAt,
    })),
  };
}

/** Every order picked up in [from, to), following pages (200 a page), soonest first. */
export async function ordersPickedUpBetween(from: Date, to: Date): Promise<OrderSummary[]> {
  const orders: OrderSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await expectData(api.GET('/v1/orders', { params: { query: { pickupFrom: from.toISOString(), pickupTo: to.toISOString(), limit: 200, cursor } } }));
    orders.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return orders.sort((a, b) => a.pickupAt.localeCompare(b.pickupAt) || a.reference.localeCompare(b.reference));
}

export function fetchOrder(id: string): Promise<Order> {
  return expectData(api.GET('/v1/orders/{id}', { params: { path: { id } } }));
}

/**
 * `orders` with the event's status applied to its notification; null when the event names a notification the list
 * does not hold (a new order, or a reminder planned since), which the caller reads from the API.
 */
export function withEvent(orders: OrderSummary[], event: LiveEvent): OrderSummary[] | null {
  const order = orders.find((candidate) => candidate.id === event.orderId);
  const notification = order?.notifications.find((candidate) => candidate.id === event.notificationId);
  if (!order || !notification) return null;
  if (notification.updatedAt > event.at) return orders; // an older change than the one shown
  const updated = { ...notification, status: event.status, statusReason: event.statusReason ?? null, updatedAt: event.at };
  return orders.map((candidate) =>
    candidate === order ? { ...order, notifications: order.notifications.map((n) => (n === notification ? updated : n)) } : candidate,
  );
}
