import { z } from 'zod';
import { channelSchema, instantView, notificationKindSchema, notificationStatusSchema } from '@herald/notifications';
import { uuidField } from './fields';

/*
 * Live events as merchants read them: the feed (GET /v1/events), the stream (GET /v1/events/stream) and the tokens a
 * browser opens the stream with. The same event shape travels in webhooks (`data`).
 */

const EXAMPLE_EVENT_ID = 'Qm9zLl3xYz0aK1c2dE4fG5hI6jK7lM8n';
const EXAMPLE_NOTIFICATION_ID = '3f0c2a9e-8d1b-4c52-9a57-6b1e0f4d2c71';
const EXAMPLE_ORDER_ID = 'a8b6e2d4-1c3f-4e5a-9b7d-2f4c6e8a0b1d';

const cursorField = z.string().min(1).max(100);

const filters = {
  orderId: uuidField.optional().meta({ description: 'Only the events of this order.', example: EXAMPLE_ORDER_ID }),
  notificationId: uuidField.optional().meta({ description: 'Only the events of this notification.', example: EXAMPLE_NOTIFICATION_ID }),
};

export const eventsQuery = z
  .object({
    after: cursorField.optional().meta({
      description: 'An event id or a `nextCursor`: the page starts after it. Absent: from your first event.',
      example: EXAMPLE_EVENT_ID,
    }),
    limit: z.coerce.number().int().min(1).max(500).default(100).meta({ description: 'Page size, 1 to 500.', example: 100 }),
    ...filters,
  })
  .strict();
export type EventsQuery = z.infer<typeof eventsQuery>;

export const eventStreamQuery = z
  .object({
    ...filters,
    lastEventId: cursorField.optional().meta({
      description: 'Resume after this event (the `Last-Event-ID` header wins when both are sent, as on a browser’s reconnection).',
      example: EXAMPLE_EVENT_ID,
    }),
    token: z.string().min(1).max(200).optional().meta({
      description: 'A stream token from POST /v1/events/stream-tokens, instead of the Authorization header (for a browser’s EventSource).',
      example: 'st_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    }),
  })
  .strict();
export type EventStreamQuery = z.infer<typeof eventStreamQuery>;

export const eventSchema = z
  .object({
    id: z.string().meta({
      description: 'Opaque and yours only: the cursor to read on from (`after`), the SSE `id:` and the `webhook-id` header.',
      example: EXAMPLE_EVENT_ID,
    }),
    notificationId: z.uuid().meta({ description: 'The notification whose status changed.', example: EXAMPLE_NOTIFICATION_ID }),
    orderId: z.uuid().nullable().meta({ description: 'Its order; null for a one-off message.', example: EXAMPLE_ORDER_ID }),
    kind: notificationKindSchema,
    channel: channelSchema,
    status: notificationStatusSchema,
    statusReason: z.string().optional().meta({ description: 'Why it was skipped, cancelled or undelivered, e.g. `opted_out`.', example: 'opted_out' }),
    at: instantView('When the notification entered this status', '2026-12-07T09:00:00.123Z'),
    attempt: z.number().int().min(1).optional().meta({ description: 'The send attempt this status belongs to.', example: 1 }),
    provider: z.string().optional().meta({ description: 'Who sent it: `twilio`, `sendgrid` or `log`.', example: 'twilio' }),
    providerMessageId: z.string().optional().meta({ description: 'The provider’s id of the message.', example: 'SM0123456789abcdef0123456789abcdef' }),
    errorCode: z.string().optional().meta({ description: 'The provider’s error code of a failure (e.g. Twilio `21211`).', example: '21211' }),
    to: z.string().meta({ description: 'The recipient, masked.', example: '+33*******78' }),
    test: z.boolean().meta({
      description:
        'True for a test notification’s event (a test key made it: it never reached a provider). A test key’s feed and stream carry only ' +
        'these, a live key’s never; webhooks carry both, to your one endpoint.',
      example: false,
    }),
  })
  .strict()
  .meta({ id: 'Event', description: 'A status change of one of your notifications (never the message body); fields that do not apply are left out.' });

export const eventPageSchema = z
  .object({
    data: z.array(eventSchema).meta({ description: 'Oldest first.' }),
    nextCursor: z.string().meta({ description: 'Always set: pass it as `after` to get what happened next.', example: EXAMPLE_EVENT_ID }),
  })
  .strict()
  .meta({ id: 'EventPage', description: 'Your status changes after a cursor.' });
export type EventPage = z.infer<typeof eventPageSchema>;

export const streamTokenSchema = z
  .object({
    token: z.string().meta({ description: 'Opens your stream as `?token=`; nothing else takes it.', example: 'st_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }),
    expiresAt: instantView('When it stops opening streams (STREAM_TOKEN_TTL after it was issued)', '2026-12-07T09:10:00.000Z'),
  })
  .strict()
  .meta({ id: 'StreamToken', description: 'A short-lived token for a browser’s EventSource, which cannot send the API key.' });
export type StreamTokenResponse = z.infer<typeof streamTokenSchema>;

/** What GET /v1/events/stream writes: Server-Sent Events frames, documented as text. */
export const EVENT_STREAM_EXAMPLE =
  `retry: 2000\nid: ${EXAMPLE_EVENT_ID}\n\n` +
  `id: ${EXAMPLE_EVENT_ID}\nevent: notification.sent\n` +
  `data: {"id":"${EXAMPLE_EVENT_ID}","notificationId":"${EXAMPLE_NOTIFICATION_ID}","orderId":"${EXAMPLE_ORDER_ID}","kind":"confirmation",` +
  `"channel":"sms","status":"sent","at":"2026-12-07T09:00:00.123Z","attempt":1,"provider":"twilio","to":"+33*******78","test":false}\n\n` +
  ': heartbeat\n\n';
