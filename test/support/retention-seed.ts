import { randomUUID } from 'node:crypto';

/** Runs one statement; a pg Client's `query` or a TestEnvironment's. */
type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

/** One notification of a seeded order: its status and the history events it went through. */
export interface PastNotification {
  kind: 'confirmation' | 'reminder';
  status: 'scheduled' | 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'cancelled' | 'skipped' | 'dead';
  /** Its history, oldest first; default: queued, then its status. */
  events?: string[];
}

export interface PastOrder {
  pickupAt: Date;
  /** Default: a day before the pickup. */
  createdAt?: Date;
  phone?: string;
  notifications: PastNotification[];
  /** A webhook delivery for each of its events (the merchant had an endpoint then). */
  webhooks?: boolean;
}

/** What was written, to look for afterwards. */
export interface SeededPastOrder {
  orderId: string;
  notificationIds: string[];
  eventIds: string[];
  deliveryIds: string[];
}

let sequence = 0;

/** An order whose pickup is `daysAgo` days past, both notifications final, with the history a real one has. */
export function makePastOrder(daysAgo: number, overrides: Partial<PastOrder> = {}): PastOrder {
  return {
    pickupAt: new Date(Date.now() - daysAgo * 86_400_000),
    notifications: [
      { kind: 'confirmation', status: 'delivered', events: ['queued', 'sending', 'sent', 'delivered'] },
      { kind: 'reminder', status: 'sent', events: ['scheduled', 'queued', 'sending', 'sent'] },
    ],
    ...overrides,
  };
}

/**
 * Writes an order as Herald would have stored it, straight into Postgres with its times in the past (the API only
 * takes pickups to come): its customer, its notifications, their history events, and a delivery of each event to the
 * merchant's webhook when `webhooks` (the endpoint is created if the merchant has none).
 */
export async function insertPastOrder(query: Query, merchantId: string, order: PastOrder): Promise<SeededPastOrder> {
  sequence += 1;
  const createdAt = order.createdAt ?? new Date(order.pickupAt.getTime() - 86_400_000);
  const customerId = randomUUID();
  const orderId = randomUUID();
  await query(
    `WITH customer AS (
       INSERT INTO customers (id, merchant_id, name, phone, locale, created_at) VALUES ($1, $2, 'Past customer', $3, 'en', $6)
     )
     INSERT INTO orders (id, merchant_id, customer_id, reference, pickup_at, reminder_before, channels, status, created_at, updated_at)
     VALUES ($4, $2, $1, $5, $7, 'PT1H', '{sms}', 'active', $6, $6)`,
    [customerId, merchantId, order.phone ?? `+3369${String(sequence).padStart(7, '0')}`, orderId, `PAST-${sequence}-${orderId.slice(0, 8)}`, createdAt, order.pickupAt],
  );
  const seeded: SeededPastOrder = { orderId, notificationIds: [], eventIds: [], deliveryIds: [] };
  if (order.webhooks) {
    await query(
      // Its cursor past every event: the worker's dispatcher makes no deliveries of its own for these.
      `INSERT INTO webhook_endpoints (merchant_id, url, secret, cursor_xid) VALUES ($1, 'https://hooks.shop.test/herald', '\\x00', '9223372036854775807')
       ON CONFLICT (merchant_id) DO NOTHING`,
      [merchantId],
    );
  }
  for (const notification of order.notifications) {
    const id = randomUUID();
    seeded.notificationIds.push(id);
    await query(
      `INSERT INTO notifications (id, merchant_id, order_id, customer_id, kind, channel, priority, recipient, locale, status, scheduled_for,
                                  attempts, created_at, updated_at)
       SELECT $1, merchant_id, id, customer_id, $2, 'sms', 'critical', '+33600000000', 'en', $3, created_at, 1, created_at, created_at
       FROM orders WHERE id = $4`,
      [id, notification.kind, notification.status, orderId],
    );
    for (const status of notification.events ?? ['queued', notification.status]) {
      const [event] = (await query(
        `INSERT INTO notification_events (notification_id, merchant_id, status, at) VALUES ($1, $2, $3, $4) RETURNING id::text`,
        [id, merchantId, status, createdAt],
      )) as { id: string }[];
      seeded.eventIds.push(event.id);
      if (!order.webhooks) continue;
      const deliveryId = randomUUID();
      await query(`INSERT INTO webhook_deliveries (id, merchant_id, event_id, status, created_at, updated_at) VALUES ($1, $2, $3, 'delivered', $4, $4)`, [
        deliveryId,
        merchantId,
        event.id,
        createdAt,
      ]);
      seeded.deliveryIds.push(deliveryId);
    }
  }
  return seeded;
}

export interface FinishedOrders {
  merchantId: string;
  orders: number;
  /** The first order's pickup, this many days ago; the others follow a second apart, later and later. */
  pickupDaysAgo: number;
  /** Two notifications (a confirmation and a reminder) per order, each with this many history events. */
  eventsPerNotification: number;
}

/**
 * Many finished orders at once, for the purge's plans and benchmark: each with a delivered confirmation and a sent
 * reminder, and `eventsPerNotification` history events each, written by generate_series (three statements).
 */
export async function seedFinishedOrders(query: Query, seed: FinishedOrders): Promise<void> {
  const { merchantId, orders, pickupDaysAgo, eventsPerNotification } = seed;
  await query(
    `INSERT INTO customers (id, merchant_id, name, phone, locale) VALUES (gen_random_uuid(), $1, 'Regular', '+33670000000', 'en') ON CONFLICT DO NOTHING`,
    [merchantId],
  );
  await query(
    `INSERT INTO orders (id, merchant_id, customer_id, reference, pickup_at, reminder_before, channels, status, created_at, updated_at)
     SELECT gen_random_uuid(), $1, (SELECT id FROM customers WHERE merchant_id = $1 LIMIT 1), 'F-' || $4 || '-' || i,
            now() - $3 * interval '1 day' + i * interval '1 second', 'PT1H', '{sms}', 'active',
            now() - ($3 + 1) * interval '1 day' + i * interval '1 second', now() - $3 * interval '1 day'
     FROM generate_series(1, $2::int) AS i`,
    [merchantId, orders, pickupDaysAgo, Date.now().toString(36)],
  );
  await query(
    `INSERT INTO notifications (id, merchant_id, order_id, customer_id, kind, channel, priority, recipient, locale, body, status, scheduled_for,
                                attempts, sent_at, created_at, updated_at)
     SELECT gen_random_uuid(), o.merchant_id, o.id, o.customer_id, k.kind, 'sms', 'critical', '+33600000000', 'en',
            'Boulangerie Lune: your order is ready for pickup tomorrow at 10:30. Reply STOP to opt out.', k.status,
            o.created_at, 1, o.created_at, o.created_at, o.created_at
     FROM orders o CROSS JOIN (VALUES ('confirmation', 'delivered'), ('reminder', 'sent')) AS k(kind, status)
     WHERE o.merchant_id = $1 AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.order_id = o.id)`,
    [merchantId],
  );
  await query(
    `INSERT INTO notification_events (notification_id, merchant_id, status, at)
     SELECT n.id, n.merchant_id, (ARRAY['queued', 'sending', 'sent', 'delivered'])[1 + (s % 4)], n.created_at + s * interval '1 second'
     FROM notifications n CROSS JOIN generate_series(0, $2::int - 1) AS s
     WHERE n.merchant_id = $1 AND NOT EXISTS (SELECT 1 FROM notification_events e WHERE e.notification_id = n.id)`,
    [merchantId, eventsPerNotification],
  );
}
