import type { NotificationEntity, NotificationEventEntity } from '../entities';

/** Database column → entity field, for raw queries that return whole notifications. */
const NOTIFICATION_FIELDS: [column: string, field: string][] = [
  ['id', 'id'],
  ['merchant_id', 'merchantId'],
  ['order_id', 'orderId'],
  ['kind', 'kind'],
  ['channel', 'channel'],
  ['priority', 'priority'],
  ['recipient', 'recipient'],
  ['locale', 'locale'],
  ['subject', 'subject'],
  ['body', 'body'],
  ['status', 'status'],
  ['status_reason', 'statusReason'],
  ['scheduled_for', 'scheduledFor'],
  ['attempts', 'attempts'],
  ['provider', 'provider'],
  ['provider_message_id', 'providerMessageId'],
  ['last_error', 'lastError'],
  ['last_error_code', 'lastErrorCode'],
  ['sent_at', 'sentAt'],
  ['previous_reminder_id', 'previousReminderId'],
  ['encoding', 'encoding'],
  ['segments', 'segments'],
  ['customer_id', 'customerId'],
  ['campaign_id', 'campaignId'],
  ['fallback_for_id', 'fallbackForId'],
  ['test', 'test'],
  ['created_at', 'createdAt'],
  ['updated_at', 'updatedAt'],
];

export const notificationColumns = (table = 'notifications') =>
  NOTIFICATION_FIELDS.map(([column, field]) => `${table}.${column} AS "${field}"`).join(', ');

export const NOTIFICATION_COLUMNS = notificationColumns();

const FIELD_NAMES = NOTIFICATION_FIELDS.map(([, field]) => field);

/**
 * The notification among a row's other columns (a joined merchant's, an order's…), copied field by field: a send reads
 * one per claim, and a rest pattern over some forty columns cost the worker more than the copy.
 */
export function notificationOf(row: Record<string, unknown>): NotificationEntity {
  const notification: Record<string, unknown> = {};
  for (const field of FIELD_NAMES) notification[field] = row[field];
  return notification as unknown as NotificationEntity;
}

export const EVENT_COLUMNS = `id, notification_id AS "notificationId", status, at, detail`;

/** Columns of a new notification, in the order `insertNotificationsSql` binds them. */
const INSERT_COLUMNS: [column: string, sqlType: string, value: (n: NewNotificationRow) => unknown][] = [
  ['id', 'uuid', (n) => n.id],
  ['merchant_id', 'uuid', (n) => n.merchantId],
  ['order_id', 'uuid', (n) => n.orderId],
  ['kind', 'text', (n) => n.kind],
  ['channel', 'text', (n) => n.channel],
  ['priority', 'text', (n) => n.priority],
  ['recipient', 'text', (n) => n.recipient],
  ['locale', 'text', (n) => n.locale],
  ['subject', 'text', (n) => n.subject ?? null],
  ['body', 'text', (n) => n.body],
  ['status', 'text', (n) => n.status],
  ['status_reason', 'text', (n) => n.statusReason ?? null],
  ['scheduled_for', 'timestamptz', (n) => n.scheduledFor],
  ['previous_reminder_id', 'uuid', (n) => n.previousReminderId ?? null],
  ['customer_id', 'uuid', (n) => n.customerId ?? null],
  ['campaign_id', 'uuid', (n) => n.campaignId ?? null],
  ['fallback_for_id', 'uuid', (n) => n.fallbackForId ?? null],
  ['test', 'boolean', (n) => n.test],
];

export type NewNotificationRow = Pick<
  NotificationEntity,
  'id' | 'merchantId' | 'orderId' | 'kind' | 'channel' | 'priority' | 'recipient' | 'locale' | 'body' | 'status' | 'scheduledFor' | 'test'
> &
  Partial<Pick<NotificationEntity, 'statusReason' | 'subject' | 'previousReminderId' | 'customerId' | 'campaignId' | 'fallbackForId'>> & {
    /** The first history event's detail; default `{reason}` when the notification starts with a `statusReason`. */
    detail?: Record<string, unknown>;
  };

function firstEventDetail(n: NewNotificationRow): string | null {
  const detail = n.detail ?? (n.statusReason ? { reason: n.statusReason } : null);
  return detail && JSON.stringify(detail);
}

/**
 * CTEs `inserted` (the notifications) and `logged` (their first history events) for one statement, binding one
 * array parameter per column from `$firstParam` on. The statement that uses them selects `NOTIFICATIONS_AND_EVENTS_JSON`.
 * A first event is ordered by its own transaction (the `order_xid` and `last_event_xid` defaults).
 */
export function insertNotificationsSql(
  notifications: NewNotificationRow[],
  firstParam: number,
  /** SQL giving the customer of rows that name none: an order's customer, decided by the same statement. */
  { customerIdSql }: { customerIdSql?: string } = {},
): { sql: string; params: unknown[] } {
  const arrays = INSERT_COLUMNS.map(([, sqlType], i) => `$${firstParam + i}::${sqlType}[]`);
  const details = `$${firstParam + INSERT_COLUMNS.length}::jsonb[]`;
  const columns = INSERT_COLUMNS.map(([column]) => column);
  const values = columns.map((column) => (column === 'customer_id' && customerIdSql ? `coalesce(u.customer_id, (${customerIdSql}))` : `u.${column}`));
  return {
    sql: `inserted AS (
        INSERT INTO notifications (${columns.join(', ')})
        SELECT ${values.join(', ')} FROM unnest(${arrays.join(', ')}) AS u(${columns.join(', ')})
        RETURNING ${NOTIFICATION_COLUMNS}
      ), logged AS (
        INSERT INTO notification_events (notification_id, merchant_id, test, status, detail)
        SELECT i."id", i."merchantId", i."test", i."status", d.detail
        FROM inserted i JOIN unnest(${arrays[0]}, ${details}) AS d(id, detail) ON d.id = i."id"
        RETURNING ${EVENT_COLUMNS}
      )`,
    params: [...INSERT_COLUMNS.map(([, , value]) => notifications.map(value)), notifications.map(firstEventDetail)],
  };
}

export const NOTIFICATIONS_AND_EVENTS_JSON = `
  (SELECT coalesce(json_agg(i), '[]') FROM inserted i) AS notifications,
  (SELECT coalesce(json_agg(l ORDER BY l.id), '[]') FROM logged l) AS events`;

const asDate = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string));

/** Rows that came back as JSON carry timestamps as text: make them Dates again, as the driver would. */
export function reviveNotification(row: Record<string, unknown>): NotificationEntity {
  return {
    ...row,
    scheduledFor: asDate(row.scheduledFor),
    sentAt: asDate(row.sentAt),
    createdAt: asDate(row.createdAt),
    updatedAt: asDate(row.updatedAt),
  } as unknown as NotificationEntity;
}

export function reviveEvent(row: Record<string, unknown>): NotificationEventEntity {
  return { ...row, id: String(row.id), at: asDate(row.at) } as unknown as NotificationEventEntity;
}

/**
 * The ordering key of the event a statement is about to log, kept on the notification so the next event of the same
 * notification never sorts before it, even when written by a transaction with a lower id (see the LiveEvents migration).
 */
export const nextEventXid = (table: string) => `last_event_xid = greatest(${table}.last_event_xid, pg_current_xact_id())`;
