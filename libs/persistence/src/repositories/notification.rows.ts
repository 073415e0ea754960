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
  ['created_at', 'createdAt'],
  ['updated_at', 'updatedAt'],
];

export const notificationColumns = (table = 'notifications') =>
  NOTIFICATION_FIELDS.map(([column, field]) => `${table}.${column} AS "${field}"`).join(', ');

export const NOTIFICATION_COLUMNS = notificationColumns();

export const EVENT_COLUMNS = `id, notification_id AS "notificationId", status, at, detail`;
