import type { OrderSummary } from './order-data';

/**
 * `incoming` (read from the API) with each notification kept as `current` shows it where `current` holds a later
 * change: a read that started before an event the page has already applied must not take the page back.
 */
export function newerOf(current: OrderSummary | undefined, incoming: OrderSummary): OrderSummary {
  if (!current) return incoming;
  const shown = new Map(current.notifications.map((notification) => [notification.id, notification]));
  return {
    ...incoming,
    notifications: incoming.notifications.map((notification) => {
      const mine = shown.get(notification.id);
      return mine && mine.updatedAt > notification.updatedAt ? mine : notification;
    }),
  };
}

/** A list read from the API, each order merged with the one shown by `newerOf`. */
export function newerList(current: OrderSummary[] | undefined, incoming: OrderSummary[]): OrderSummary[] {
  if (!current) return incoming;
  const shown = new Map(current.map((order) => [order.id, order]));
  return incoming.map((order) => newerOf(shown.get(order.id), order));
}
