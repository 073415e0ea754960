import type { BuiltInKind } from '@herald/messages';
import type { NotificationEntity } from '@herald/persistence';

/** The text an order's notification is rendered from: a reminder that follows one already sent says the pickup moved. */
export function templateKindOf(notification: Pick<NotificationEntity, 'kind' | 'previousReminderId'>): BuiltInKind {
  if (notification.kind !== 'reminder') return 'confirmation';
  return notification.previousReminderId ? 'reminder_moved' : 'reminder';
}
