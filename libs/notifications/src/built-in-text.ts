import type { TemplateName } from '@herald/messages';
import type { NotificationEntity } from '@herald/persistence';

/** The built-in text of an order's notification: a reminder that follows one already sent says the pickup moved. */
export function templateOf(notification: Pick<NotificationEntity, 'kind' | 'previousReminderId'>): TemplateName {
  if (notification.kind !== 'reminder') return 'order_confirmation';
  return notification.previousReminderId ? 'pickup_moved' : 'pickup_reminder';
}
