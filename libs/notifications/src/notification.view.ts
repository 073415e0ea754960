import { z } from 'zod';
import { SMS_ENCODINGS } from '@herald/messages';
import { NOTIFICATION_STATUSES, NotificationEntity, NotificationEventEntity } from '@herald/persistence';

/*
 * The notification as merchants see it over HTTP. The zod schemas are the view's type and its OpenAPI description
 * at once (`id` names the component), so the document cannot drift from what the API answers.
 */

const EXAMPLE_ID = '3f0c2a9e-8d1b-4c52-9a57-6b1e0f4d2c71';
const EXAMPLE_ORDER_ID = 'a8b6e2d4-1c3f-4e5a-9b7d-2f4c6e8a0b1d';

/** `test` on a view: whether a test key made it, which says what else it means for this kind of record. */
export const testFlagView = (description: string) => z.boolean().meta({ description, example: false });

/** An instant as views write it (`toISOString()`). */
export const instantView = (description: string, example = '2026-12-07T09:00:00.000Z') =>
  z.iso.datetime({ offset: true }).meta({ description: `${description}. ISO 8601 with an offset.`, example });

export const channelSchema = z
  .enum(['sms', 'email', 'whatsapp'])
  .meta({ id: 'Channel', description: 'How the message travels: `sms` (Twilio or Vonage), `email` (SendGrid) or `whatsapp` (Twilio’s WhatsApp).' });

export const prioritySchema = z.enum(['critical', 'bulk']).meta({
  id: 'Priority',
  description: 'The queue: `critical` (confirmations, reminders, time-sensitive messages) or `bulk`, which never delays `critical`.',
});

/** Inline rather than a component: where it appears it may be null, which OpenAPI 3.0 cannot say of a reference. */
export const smsEncodingSchema = z.enum(SMS_ENCODINGS);
const SMS_ENCODING = '`GSM-7` (160 characters in one segment, 153 per segment beyond) or `UCS-2` (70, then 67): one character outside GSM-7 makes the whole text UCS-2';

export const notificationKindSchema = z.enum(['confirmation', 'reminder', 'message', 'campaign']).meta({
  id: 'NotificationKind',
  description:
    '`confirmation` and `reminder` belong to an order; `message` is a one-off sent with POST /v1/notifications; `campaign` is one ' +
    'customer’s send of a campaign (POST /v1/campaigns).',
});

export const notificationStatusSchema = z.enum(NOTIFICATION_STATUSES).meta({
  id: 'NotificationStatus',
  description:
    '`scheduled` (waiting for its time) → `queued` (waiting for a worker) → `sending` → `sent` (the provider accepted it) → ' +
    '`delivered` (the provider confirmed it) or `undelivered`. Off the main path: `cancelled`, `skipped` (`statusReason` says why) ' +
    'and `dead` (attempts exhausted or a permanent provider error). `scheduled` and `queued` are stored before the job is queued: ' +
    'when Redis is unreachable, a create still answers with them and the job follows once Redis is back.',
});

export const notificationEventView = z
  .object({
    status: notificationStatusSchema,
    at: instantView('When the notification entered this status'),
    detail: z
      .record(z.string(), z.unknown())
      .nullable()
      .meta({
        description:
          'What happened, when there is more to say: e.g. `reason` for a skip, `rescheduled` `{from, to}`, `quietHours` `{due, window}` ' +
          'when quiet hours moved it, the `worker`, ' +
          'the `attempt`, the provider `code` and `error` of a failure, `redriven` by an operator.',
        example: { rescheduled: { from: '2026-12-06T09:00:00.000Z', to: '2026-12-07T09:00:00.000Z' } },
      }),
  })
  .meta({ id: 'NotificationEvent', description: 'One status change in a notification’s history; the history is append-only.' });
export type NotificationEventView = z.infer<typeof notificationEventView>;

export const notificationView = z
  .object({
    id: z.uuid().meta({ description: 'The notification id.', example: EXAMPLE_ID }),
    orderId: z.uuid().nullable().meta({ description: 'The order it belongs to; null for a one-off message.', example: EXAMPLE_ORDER_ID }),
    kind: notificationKindSchema,
    channel: channelSchema,
    priority: prioritySchema,
    to: z.string().meta({ description: 'The recipient: an E.164 phone number (sms) or an email address (email).', example: '+33612345678' }),
    status: notificationStatusSchema,
    statusReason: z.string().nullable().meta({
      description:
        'Why it ended `skipped` or `undelivered`: `reminder_time_passed`, `reminder_after_pickup`, `quiet_hours` (no moment before the ' +
        'pickup outside quiet hours), `pickup_passed`, `opted_out`, `bounced`, `dropped`, `campaign_cancelled`.',
      example: null,
    }),
    scheduledFor: instantView('When it is (or was) due to go out'),
    attempts: z.number().int().min(0).meta({ description: 'Provider calls tried so far.', example: 1 }),
    provider: z.string().nullable().meta({ description: 'Who sent it: `twilio`, `sendgrid` or `log` (no provider configured).', example: 'twilio' }),
    providerMessageId: z
      .string()
      .nullable()
      .meta({ description: 'The provider’s id of the message (Twilio SID, SendGrid X-Message-Id).', example: 'SM0123456789abcdef0123456789abcdef' }),
    body: z.string().nullable().meta({
      description: 'The text; for an order’s notification it is rendered when it is sent, from your template for its kind and language or the built-in text.',
      example: 'Hi Ada, your order A-1042 from Boulangerie Lune is ready tomorrow at 10:00.',
    }),
    encoding: smsEncodingSchema.nullable().meta({ description: `SMS, once sent: how its text travelled, ${SMS_ENCODING}; null before and for email.`, example: 'GSM-7' }),
    segments: z.number().int().min(1).nullable().meta({
      description: 'SMS, once sent: the segments it travelled (and is billed) as: 160/153 characters each in GSM-7, 70/67 in UCS-2.',
      example: 1,
    }),
    lastError: z.string().nullable().meta({ description: 'The last provider error, as the provider worded it.', example: null }),
    lastErrorCode: z.string().nullable().meta({ description: 'The last provider error code (e.g. Twilio `21211`, SendGrid `http_400`), or Herald’s own `message_too_long` (a text rendered longer than its channel allows).', example: null }),
    sentAt: instantView('When the provider accepted it').nullable(),
    previousReminderId: z.uuid().nullable().meta({
      description:
        'On a reminder planned because the pickup moved after the first reminder went out: that first reminder. Its text says the pickup moved.',
      example: null,
    }),
    customerId: z.uuid().nullable().meta({ description: 'The customer it is for: the order’s, or the campaign’s recipient; null for a one-off message.', example: null }),
    campaignId: z.uuid().nullable().meta({ description: 'The campaign it is a send of; null otherwise.', example: null }),
    fallbackForId: z.uuid().nullable().meta({
      description: 'On a fallback: the notification that failed for good on the customer’s other channel (invalid number, opted out, bounced), which this one replaces.',
      example: null,
    }),
    fallbackId: z.uuid().nullable().meta({
      description: 'On a notification that failed for good: the fallback sent in its place on the customer’s other channel; null when there is none.',
      example: null,
    }),
    test: testFlagView(
      'True when a test key made it (or the order, campaign or customer it belongs to): it went to the `log` driver, never to a provider, ' +
        'and counts in no campaign, export or metric of live sends. Only test keys see it.',
    ),
    createdAt: instantView('When it was created', '2026-11-30T16:20:00.000Z'),
    updatedAt: instantView('When it last changed', '2026-11-30T16:20:01.000Z'),
    events: z.array(notificationEventView).meta({ description: 'Every status change, oldest first.' }),
  })
  .meta({ id: 'Notification', description: 'A notification with its full status history.' });
export type NotificationView = z.infer<typeof notificationView>;

export const notificationPageView = z
  .object({
    data: z.array(notificationView).meta({ description: 'Newest first.' }),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.', example: null }),
  })
  .meta({ id: 'NotificationPage', description: 'One page of notifications.' });
export type NotificationPageView = z.infer<typeof notificationPageView>;

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/** `fallbackId`: the fallback sent in this notification's place, when there is one. */
export function toNotificationView(notification: NotificationEntity, events: NotificationEventEntity[], fallbackId: string | null = null): NotificationView {
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
    encoding: notification.encoding,
    segments: notification.segments,
    lastError: notification.lastError,
    lastErrorCode: notification.lastErrorCode,
    sentAt: iso(notification.sentAt),
    previousReminderId: notification.previousReminderId,
    customerId: notification.customerId ?? null,
    campaignId: notification.campaignId ?? null,
    fallbackForId: notification.fallbackForId ?? null,
    fallbackId,
    test: notification.test,
    createdAt: iso(notification.createdAt)!,
    updatedAt: iso(notification.updatedAt)!,
    events: events
      .filter((event) => event.notificationId === notification.id)
      .map((event) => ({ status: event.status, at: iso(event.at)!, detail: event.detail })),
  };
}
