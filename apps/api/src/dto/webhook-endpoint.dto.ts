import { z } from 'zod';
import { instantView, notificationStatusSchema } from '@herald/notifications';
import { WEBHOOK_DELIVERY_STATUSES } from '@herald/persistence';
import type { RequestExamples } from '../http/openapi';
import { pageFields } from './fields';

/* The merchant's webhook endpoint (Standard Webhooks) and the deliveries made to it. */

const EXAMPLE_URL = 'https://shop.example.com/herald-webhook';

export const putWebhookEndpointBody = z
  .object({
    url: z
      .url({ protocol: /^https?$/, message: 'must be an http or https URL' })
      .max(2000)
      .meta({
        description: 'Where each event is POSTed, signed. Its host must be on the public internet (422 `webhook_url_not_public` otherwise), unless the operator allows private addresses.',
        example: EXAMPLE_URL,
      }),
    events: z
      .array(notificationStatusSchema)
      .min(1)
      .max(notificationStatusSchema.options.length)
      .optional()
      .meta({ description: 'The statuses to deliver; every status when absent.' }),
  })
  .strict()
  .meta({ id: 'PutWebhookEndpointRequest', description: 'Your webhook endpoint; a PUT replaces the previous one and issues a new secret.' });
export type PutWebhookEndpointBody = z.infer<typeof putWebhookEndpointBody>;

export const putWebhookEndpointExamples: RequestExamples = {
  outcomes: {
    summary: 'Only what your customers’ messages became',
    value: { url: EXAMPLE_URL, events: ['delivered', 'undelivered', 'dead'] },
  },
};

export const deliveriesQuery = z
  .object({
    ...pageFields,
  })
  .strict();
export type DeliveriesQuery = z.infer<typeof deliveriesQuery>;

const endpointFields = {
  url: z.string().meta({ description: 'Where each event is POSTed.', example: EXAMPLE_URL }),
  events: z.array(notificationStatusSchema).nullable().meta({ description: 'The statuses delivered; null for every status.', example: null }),
  createdAt: instantView('When the endpoint was first set', '2026-11-30T16:20:00.000Z'),
  updatedAt: instantView('When it was last set', '2026-11-30T16:20:00.000Z'),
};

export const webhookEndpointSchema = z
  .object(endpointFields)
  .strict()
  .meta({ id: 'WebhookEndpoint', description: 'Where your status changes are POSTed, signed per Standard Webhooks (never its secret).' });
export type WebhookEndpointResponse = z.infer<typeof webhookEndpointSchema>;

export const webhookEndpointWithSecretSchema = z
  .object({
    ...endpointFields,
    secret: z.string().meta({
      description: 'The signing secret, shown this once: verify `webhook-signature` with it (any Standard Webhooks library).',
      example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    }),
  })
  .strict()
  .meta({ id: 'WebhookEndpointWithSecret', description: 'The endpoint just set, with its new signing secret.' });
export type WebhookEndpointWithSecretResponse = z.infer<typeof webhookEndpointWithSecretSchema>;

const attemptSchema = z
  .object({
    at: instantView('When the POST started', '2026-12-07T09:00:00.200Z'),
    url: z.string().meta({ description: 'The URL it went to.', example: EXAMPLE_URL }),
    durationMs: z.number().int().nonnegative().meta({ description: 'Until the answer, the timeout or the error, in milliseconds.', example: 84 }),
    statusCode: z.number().int().optional().meta({ description: 'Your endpoint’s HTTP status; absent after a timeout or a network error.', example: 200 }),
    error: z.string().optional().meta({ description: 'What went wrong; absent when it was delivered.', example: 'the endpoint answered HTTP 500' }),
  })
  .strict()
  .meta({ id: 'WebhookAttempt', description: 'One HTTP attempt of a delivery.' });

export const webhookDeliverySchema = z
  .object({
    id: z.uuid().meta({ description: 'The delivery id.', example: '0b9e7c52-6f0d-4c41-a3a4-2f6f0a1e9d11' }),
    eventId: z.string().meta({ description: 'The event delivered: its id on the feed and the stream, sent as `webhook-id`.', example: 'Qm9zLl3xYz0aK1c2dE4fG5hI6jK7lM8n' }),
    type: z.string().meta({ description: 'The webhook’s `type`: `notification.<status>`.', example: 'notification.delivered' }),
    notificationId: z.uuid().meta({ description: 'The notification whose status changed.', example: '3f0c2a9e-8d1b-4c52-9a57-6b1e0f4d2c71' }),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES).meta({
      description: '`pending` (being tried, with backoff for about a day), `delivered` (a 2xx), `dead` (attempts exhausted) or `cancelled` (the endpoint was removed).',
      example: 'delivered',
    }),
    attempts: z.array(attemptSchema).meta({ description: 'Every HTTP attempt, oldest first.' }),
    test: z.boolean().meta({
      description: 'True for the event of a test notification (a test key’s), sent to the same endpoint with `"test": true` in its data.',
      example: false,
    }),
    createdAt: instantView('When the event was queued for delivery', '2026-12-07T09:00:00.150Z'),
    updatedAt: instantView('When the delivery last changed', '2026-12-07T09:00:00.290Z'),
  })
  .strict()
  .meta({ id: 'WebhookDelivery', description: 'One event on its way to your endpoint, with every HTTP attempt.' });

export const webhookDeliveryPageSchema = z
  .object({
    data: z.array(webhookDeliverySchema).meta({ description: 'Newest first.' }),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.', example: null }),
  })
  .strict()
  .meta({ id: 'WebhookDeliveryPage', description: 'One page of webhook deliveries.' });
export type WebhookDeliveryPage = z.infer<typeof webhookDeliveryPageSchema>;
