import type { TemplateKind } from '@herald/messages';
import type { NotificationEntity } from '@herald/persistence';

/**
 * The text a notification without its own body is rendered from: a campaign's send from the merchant's campaign
 * template, an order's from its kind's; a reminder that follows one already sent says the pickup moved.
 */
export function templateKindOf(notification: Pick<NotificationEntity, 'kind' | 'previousReminderId'>): TemplateKind {
  if (notification.kind === 'campaign') return 'campaign';
  if (notification.kind !== 'reminder') return 'confirmation';
  return notification.previousReminderId ? 'reminder_moved' : 'reminder';
}
