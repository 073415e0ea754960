import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { TestEnvironment } from './test-environment';

/** What the export file says about one notification slot of an order. */
export interface SeededNotification {
  kind: 'confirmation' | 'reminder';
  channel: 'sms' | 'email' | 'whatsapp';
  status: 'scheduled' | 'queued' | 'sent' | 'delivered' | 'undelivered' | 'skipped' | 'dead' | 'cancelled';
  sentAt?: Date;
  deliveredAt?: Date;
  lastErrorCode?: string;
  statusReason?: string;
}

export interface SeededOrder {
  reference: string;
  createdAt: Date;
  status?: 'active' | 'cancelled';
  customer: { name?: string | null; phone?: string | null; email?: string | null };
  pickupAt: Date;
  notifications?: SeededNotification[];
}

let sequence = 0;

/** A plain order created at `createdAt` with an SMS confirmation delivered and its reminder pending. */
export function makeSeededOrder(createdAt: Date, overrides: Partial<SeededOrder> = {}): SeededOrder {
  sequence += 1;
  const sentAt = new Date(createdAt.getTime() + 2000);
  return {
    reference: `E-${sequence}`,
    createdAt,
    customer: { name: `Customer ${sequence}`, phone: `+3361${String(sequence).padStart(7, '0')}`, email: null },
    pickupAt: new Date(createdAt.getTime() + 26 * 3600_000),
    notifications: [
      { kind: 'confirmation', channel: 'sms', status: 'delivered', sentAt, deliveredAt: new Date(sentAt.getTime() + 3000) },
      { kind: 'reminder', channel: 'sms', status: 'scheduled' },
    ],
    ...overrides,
  };
}

/**
 * Writes an order as Herald would have stored it, straight into Postgres, with its creation time in the past: the
 * export reads days gone by, and the API only creates orders now.
 */
export async function insertOrder(environment: TestEnvironment, merchantId: string, order: SeededOrder): Promise<void> {
  const customerId = randomUUID();
  const orderId = randomUUID();
  await environment.query(
    `WITH customer AS (
       INSERT INTO customers (id, merchant_id, name, phone, email, locale, created_at) VALUES ($1, $2, $3, $4, $5, 'en', $8)
     )
     INSERT INTO orders (id, merchant_id, customer_id, reference, pickup_at, reminder_before, channels, status, created_at, updated_at)
     VALUES ($6, $2, $1, $7, $9, 'PT1H', '{sms}', $10, $8, $8)`,
    [
      customerId,
      merchantId,
      order.customer.name ?? null,
      order.customer.phone ?? null,
      order.customer.email ?? null,
      orderId,
      order.reference,
      order.createdAt,
      order.pickupAt,
      order.status ?? 'active',
    ],
  );
  for (const n of order.notifications ?? []) {
    const id = randomUUID();
    await environment.query(
      `INSERT INTO notifications (id, merchant_id, order_id, kind, channel, priority, recipient, locale, status, status_reason,
                                  scheduled_for, attempts, last_error_code, sent_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'critical', $6, 'en', $7, $8, $9, 1, $10, $11, $9, $9)`,
      [
        id,
        merchantId,
        orderId,
        n.kind,
        n.channel,
        (n.channel === 'email' ? order.customer.email : order.customer.phone) ?? 'unknown',
        n.status,
        n.statusReason ?? null,
        order.createdAt,
        n.lastErrorCode ?? null,
        n.sentAt ?? null,
      ],
    );
    if (n.deliveredAt) {
      await environment.query(`INSERT INTO notification_events (notification_id, merchant_id, status, at) VALUES ($1, $2, 'delivered', $3)`, [
        id,
        merchantId,
        n.deliveredAt,
      ]);
    }
  }
}

/** The header the export file starts with. */
export const EXPORT_HEADER = [
  'order_reference',
  'order_created_at',
  'order_status',
  'customer_name',
  'customer_phone',
  'customer_email',
  'pickup_at',
  ...['confirmation_sms', 'confirmation_email', 'reminder_sms', 'reminder_email', 'confirmation_whatsapp', 'reminder_whatsapp'].flatMap((slot) =>
    ['status', 'sent_at', 'delivered_at', 'error_code'].map((field) => `${slot}_${field}`),
  ),
];

/** An instant as the file writes it: local time in `zone` with its offset, to the second. */
export const localTime = (instant: Date | undefined, zone: string) =>
  instant ? DateTime.fromJSDate(instant, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ") : '';

/** The order's row as a CSV parser reads it back (empty cells are ''; no cell here starts like a formula). */
export function expectedRow(order: SeededOrder, zone: string): string[] {
  const slot = (kind: string, channel: string) => {
    const n = order.notifications?.find((candidate) => candidate.kind === kind && candidate.channel === channel);
    if (!n) return ['', '', '', ''];
    const failed = n.status === 'dead' || n.status === 'undelivered';
    const errorCode = failed ? (n.lastErrorCode ?? n.statusReason ?? '') : n.status === 'skipped' || n.status === 'cancelled' ? (n.statusReason ?? '') : '';
    return [n.status, localTime(n.sentAt, zone), n.status === 'delivered' ? localTime(n.deliveredAt, zone) : '', errorCode];
  };
  return [
    order.reference,
    localTime(order.createdAt, zone),
    order.status ?? 'active',
    order.customer.name ?? '',
    order.customer.phone ?? '',
    order.customer.email ?? '',
    localTime(order.pickupAt, zone),
    ...slot('confirmation', 'sms'),
    ...slot('confirmation', 'email'),
    ...slot('reminder', 'sms'),
    ...slot('reminder', 'email'),
    ...slot('confirmation', 'whatsapp'),
    ...slot('reminder', 'whatsapp'),
  ];
}

/** An `Etc/GMT±N` zone where it is about noon now: tests that count days stay clear of local midnight. */
export function zoneAtNoon(now = new Date()): string {
  const offset = 12 - now.getUTCHours();
  // Etc/GMT zones count the other way round: Etc/GMT-3 is three hours ahead of UTC. At offset 0, `UTC`: the name
  // Herald stores for Etc/GMT (its canonical form), so a test run between 12:00 and 13:00 UTC reads back what it wrote.
  return offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/**
 * A past day whose automatic export went out: its orders, written as Herald stored them, and its `daily` ledger entry
 * `sent`, as a worker leaves it (no mail is sent now). The day then shows in `GET /v1/exports` with its file.
 */
export async function seedExportedDay(
  environment: TestEnvironment,
  merchantId: string,
  { day, zone, recipients, orders }: { day: string; zone: string; recipients: string[]; orders: Partial<SeededOrder>[] },
): Promise<SeededOrder[]> {
  const seeded = orders.map((order, index) => makeSeededOrder(DateTime.fromISO(`${day}T09:00`, { zone }).plus({ minutes: 47 * index }).toJSDate(), order));
  for (const order of seeded) await insertOrder(environment, merchantId, order);
  const sentAt = DateTime.fromISO(day, { zone }).plus({ days: 1, hours: 7, seconds: 3 }).toJSDate();
  await environment.query(
    `INSERT INTO export_ledger (id, merchant_id, day, kind, state, recipients, attempts, order_count, file_name, file_bytes, provider, message_id, sent_at)
     VALUES ($1, $2, $3, 'daily', 'sent', $4, 1, $5, $6, 2048, 'sendgrid', $7, $8)`,
    [randomUUID(), merchantId, day, recipients, seeded.length, `orders-${day}.csv`, `seeded-${randomUUID()}`, sentAt],
  );
  return seeded;
}
