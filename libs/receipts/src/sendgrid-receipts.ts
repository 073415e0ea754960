import { z } from 'zod';
import { DeliveryReceipt } from './delivery-receipt';

/** The webhook's body: a JSON array of events; each event is read on its own, so one odd event never loses the batch. */
export const sendGridEventBatch = z.array(z.unknown()).meta({
  id: 'SendGridEventBatch',
  description:
    'SendGrid event webhook events. Herald reads `event`, `email`, `sg_message_id` (events are matched by it), and `notificationId` (a custom arg it set, used only when the message id is unknown; an event whose two ids disagree is ignored); ' +
    '`delivered` → delivered, `bounce` or `dropped` → undelivered (and a fallback SMS when the customer has a consented phone); ' +
    '`unsubscribe`, `group_unsubscribe` or `spamreport` → the address is opted out of the merchant’s email. Other events record nothing.',
  example: [{ email: 'ada@example.com', timestamp: 1764518400, event: 'delivered', sg_event_id: 'ZGVsaXZlcmVkLTAtMjQ', sg_message_id: 'x1b2c3d4e5.filter0001', notificationId: '3f0c2a9e-8d1b-4c52-9a57-6b1e0f4d2c71' }],
});

/** The fields Herald reads from one event; SendGrid sends many more, and custom args arrive as top-level fields. */
const sendGridEvent = z.looseObject({
  event: z.string(),
  notificationId: z.uuid().optional().catch(undefined),
  sg_message_id: z.string().optional().catch(undefined),
  sg_event_id: z.string().optional().catch(undefined),
  reason: z.string().optional().catch(undefined),
  status: z.string().optional().catch(undefined),
  type: z.string().optional().catch(undefined),
  email: z.string().optional().catch(undefined),
});

/** SendGrid's events by which a recipient says it wants no more mail. */
const OPT_OUT_EVENTS = ['unsubscribe', 'group_unsubscribe', 'spamreport'] as const;
export type SendGridOptOutEvent = (typeof OPT_OUT_EVENTS)[number];

/** A recipient that unsubscribed or reported spam: whose mail it was (the notification) and its address. */
export interface SendGridOptOut {
  event: SendGridOptOutEvent;
  email: string;
  notificationId: string | null;
  providerMessageId: string | null;
}

export function optOutFromSendGridEvent(raw: unknown): SendGridOptOut | null {
  const parsed = sendGridEvent.safeParse(raw);
  if (!parsed.success || !parsed.data.email) return null;
  const event = parsed.data;
  if (!(OPT_OUT_EVENTS as readonly string[]).includes(event.event)) return null;
  return {
    event: event.event as SendGridOptOutEvent,
    email: event.email!,
    notificationId: event.notificationId ?? null,
    providerMessageId: event.sg_message_id?.split('.')[0] || null,
  };
}

/** Why a mail is `undelivered`, as merchants see it in `statusReason`. */
export const EMAIL_UNDELIVERED_REASONS = { bounce: 'bounced', dropped: 'dropped' } as const;

/**
 * A SendGrid event as a receipt: `delivered`, or `undelivered` for a bounce or a drop. Null for events that say
 * nothing final (processed, deferred, open, click…) and for anything that is not an event.
 */
export function receiptFromSendGridEvent(raw: unknown): DeliveryReceipt | null {
  const parsed = sendGridEvent.safeParse(raw);
  if (!parsed.success) return null;
  const event = parsed.data;
  const base = {
    provider: 'sendgrid' as const,
    notificationId: event.notificationId ?? null,
    // sg_message_id is the X-Message-Id of the send, followed by a '.' and SendGrid's routing suffix.
    providerMessageId: event.sg_message_id?.split('.')[0] || null,
    detail: {
      provider: 'sendgrid',
      event: event.event,
      ...(event.sg_event_id ? { eventId: event.sg_event_id } : {}),
      ...(event.reason ? { reason: event.reason } : {}),
      ...(event.status ? { smtpStatus: event.status } : {}),
    },
  };
  if (event.event === 'delivered') return { ...base, outcome: { status: 'delivered' } };
  if (event.event !== 'bounce' && event.event !== 'dropped') return null;
  return {
    ...base,
    outcome: {
      status: 'undelivered',
      reason: EMAIL_UNDELIVERED_REASONS[event.event],
      error: event.reason || `SendGrid reported the mail ${event.event === 'bounce' ? 'bounced' : 'dropped'}`,
      errorCode: event.event === 'bounce' ? (event.status ?? null) : null,
    },
  };
}
