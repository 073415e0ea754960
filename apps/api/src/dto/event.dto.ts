import { z } from 'zod';
import { NOTIFICATION_STATUSES } from '@herald/persistence';
import { uuidField } from './fields';

const cursorField = z.string().min(1).max(100);

const filters = { orderId: uuidField.optional(), notificationId: uuidField.optional() };

export const eventsQuery = z
  .object({
    after: cursorField.optional().describe('an event id or a nextCursor; absent: from the first event'),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    ...filters,
  })
  .strict();
export type EventsQuery = z.infer<typeof eventsQuery>;

export const eventStreamQuery = z
  .object({
    ...filters,
    lastEventId: cursorField.optional().describe('resume after this event (the Last-Event-ID header wins when both are sent)'),
    token: z.string().min(1).max(200).optional().describe('a stream token from POST /v1/events/stream-tokens, instead of the Authorization header'),
  })
  .strict();
export type EventStreamQuery = z.infer<typeof eventStreamQuery>;

const EXAMPLE_EVENT = {
  id: 'Qm9zLl3xYz0aK1c2dE4fG5hI6jK7lM8n',
  notificationId: '3f1c2b4a-9d8e-4f7a-8b6c-5d4e3f2a1b0c',
  orderId: '8f14e45f-ceea-4e7a-9f4b-8d1e3f2a1b0c',
  kind: 'confirmation',
  channel: 'sms',
  status: 'sent',
  at: '2026-11-22T10:00:00.123Z',
  provider: 'twilio',
  providerMessageId: 'SM0123456789abcdef0123456789abcdef',
  to: '+33*******78',
} as const;

export const eventSchema = z
  .object({
    id: z.string().describe('opaque, yours only; the cursor to read on from, the SSE id and the webhook-id'),
    notificationId: z.uuid(),
    orderId: z.uuid().nullable(),
    kind: z.enum(['confirmation', 'reminder', 'message']),
    channel: z.enum(['sms', 'email']),
    status: z.enum(NOTIFICATION_STATUSES),
    statusReason: z.string().optional().describe('why it was skipped, cancelled or undelivered'),
    at: z.iso.datetime(),
    attempt: z.number().int().positive().optional(),
    provider: z.string().optional(),
    providerMessageId: z.string().optional(),
    errorCode: z.string().optional(),
    to: z.string().describe('the recipient, masked'),
  })
  .strict()
  .meta({ id: 'Event', description: 'A status change of one of your notifications (never the message body).', example: EXAMPLE_EVENT });

export const eventPageSchema = z
  .object({
    data: z.array(eventSchema),
    nextCursor: z.string().describe('always set: pass it as `after` to get what happened next'),
  })
  .strict()
  .meta({ id: 'EventPage', description: 'Status changes, oldest first.', example: { data: [EXAMPLE_EVENT], nextCursor: EXAMPLE_EVENT.id } });
export type EventPage = z.infer<typeof eventPageSchema>;

export const streamTokenSchema = z
  .object({ token: z.string(), expiresAt: z.iso.datetime() })
  .strict()
  .meta({
    id: 'StreamToken',
    description: 'Opens GET /v1/events/stream?token=… until it expires (for a browser EventSource, which cannot send headers).',
    example: { token: 'st_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', expiresAt: '2026-11-22T10:10:00.000Z' },
  });
export type StreamTokenResponse = z.infer<typeof streamTokenSchema>;
