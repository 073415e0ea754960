import { maskRecipient } from '@herald/channels';
import type { Channel, LoggedEvent, NotificationKind, NotificationStatus } from '@herald/persistence';

/**
 * A status change as merchants see it, the same on the feed, the stream and webhooks. Never the message body; the
 * recipient masked. Optional fields are left out when they do not apply.
 */
export interface LiveEvent {
  /** Opaque, merchant-scoped; also the cursor to read on from. */
  id: string;
  notificationId: string;
  orderId: string | null;
  kind: NotificationKind;
  channel: Channel;
  status: NotificationStatus;
  statusReason?: string;
  at: string;
  attempt?: number;
  provider?: string;
  providerMessageId?: string;
  errorCode?: string;
  /** The recipient, masked: `+33*******78`, `j***@shop.fr`. */
  to: string;
  /** Always there: true for a test notification's event (a test key made it; it never reached a provider). */
  test: boolean;
}

/** The event's type on the stream (`event:`) and in webhooks (`type`). */
export const eventType = (status: NotificationStatus) => `notification.${status}`;

const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
const integer = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) ? value : undefined);

/**
 * Reads the shape from the history row: the attempt, provider and error code that the writers keep in `detail`; the
 * reason of a skip or cancellation from `detail`, of an `undelivered` from the notification (it is final).
 */
export function toLiveEvent(event: LoggedEvent, id: string): LiveEvent {
  const detail = event.detail ?? {};
  const statusReason =
    event.status === 'skipped' || event.status === 'cancelled'
      ? text(detail.reason)
      : event.status === 'undelivered'
        ? (event.notificationStatusReason ?? undefined)
        : undefined;
  const errorCode =
    text(detail.code) ?? text(detail.errorCode) ?? (event.status === 'undelivered' ? (event.notificationErrorCode ?? undefined) : undefined);
  const live: LiveEvent = {
    id,
    notificationId: event.notificationId,
    orderId: event.orderId,
    kind: event.kind,
    channel: event.channel,
    status: event.status,
    statusReason,
    at: new Date(event.at).toISOString(),
    attempt: integer(detail.attempt),
    provider: text(detail.provider),
    providerMessageId: text(detail.providerMessageId) ?? text(detail.messageSid),
    errorCode,
    to: maskRecipient(event.recipient),
    test: event.test,
  };
  for (const key of Object.keys(live) as (keyof LiveEvent)[]) if (live[key] === undefined) delete live[key];
  return live;
}
