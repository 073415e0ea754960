import type { NotificationEntity, NotificationEventEntity } from '@herald/persistence';

export interface NotificationEventView {
  status: string;
  at: string;
  detail: Record<string, unknown> | null;
}

/** The notification as merchants see it over HTTP. */
export interface NotificationView {
  id: string;
  orderId: string | null;
  kind: string;
  channel: string;
  priority: string;
  to: string;
  status: string;
  statusReason: string | null;
  scheduledFor: string;
  attempts: number;
  provider: string | null;
  providerMessageId: string | null;
  body: string | null;
  lastError: string | null;
  lastErrorCode: string | null;
  sentAt: string | null;
  /** On a reminder planned because the pickup moved after the reminder before it went out: that reminder. */
  previousReminderId: string | null;
  createdAt: string;
  updatedAt: string;
  events: NotificationEventView[];
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function toNotificationView(notification: NotificationEntity, events: NotificationEventEntity[]): NotificationView {
  return {
    id: notification.id,
    orderId: notification.orderId,
    kind: notification.kind,
    channel: notification.channel,
    priority: notification.priority,
    to: notification.recipient,
    status: notification.status,
    statusReason: notification.statusReason,
    scheduledFor: iso(notification.scheduledFor)!,
    attempts: notification.attempts,
    provider: notification.provider,
    providerMessageId: notification.providerMessageId,
    body: notification.body,
    lastError: notification.lastError,
    lastErrorCode: notification.lastErrorCode,
    sentAt: iso(notification.sentAt),
    previousReminderId: notification.previousReminderId,
    createdAt: iso(notification.createdAt)!,
    updatedAt: iso(notification.updatedAt)!,
    events: events
      .filter((event) => event.notificationId === notification.id)
      .map((event) => ({ status: event.status, at: iso(event.at)!, detail: event.detail })),
  };
}
