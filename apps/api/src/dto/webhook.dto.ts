import { z } from 'zod';
import { NOTIFICATION_STATUSES, WEBHOOK_DELIVERY_STATUSES } from '@herald/persistence';

export const putWebhookEndpointBody = z
  .object({
    url: z.url({ protocol: /^https?$/, message: 'must be an http or https URL' }).max(2000),
    events: z.array(z.enum(NOTIFICATION_STATUSES)).min(1).max(NOTIFICATION_STATUSES.length).optional().describe('statuses to deliver; all when absent'),
  })
  .strict();
export type PutWebhookEndpointBody = z.infer<typeof putWebhookEndpointBody>;

export const deliveriesQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().min(1).max(500).optional(),
  })
  .strict();
export type DeliveriesQuery = z.infer<typeof deliveriesQuery>;

const endpointFields = {
  url: z.string(),
  events: z.array(z.enum(NOTIFICATION_STATUSES)).nullable().describe('statuses delivered; null for all'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
};
const EXAMPLE_ENDPOINT = {
  url: 'https://shop.example.com/herald-webhook',
  events: null,
  createdAt: '2026-11-22T10:00:00.000Z',
  updatedAt: '2026-11-22T10:00:00.000Z',
};

export const webhookEndpointSchema = z
  .object(endpointFields)
  .strict()
  .meta({ id: 'WebhookEndpoint', description: 'Where your status changes are POSTed (Standard Webhooks).', example: EXAMPLE_ENDPOINT });
export type WebhookEndpointResponse = z.infer<typeof webhookEndpointSchema>;

export const webhookEndpointWithSecretSchema = z
  .object({ ...endpointFields, secret: z.string().describe('the signing secret, shown this once') })
  .strict()
  .meta({
    id: 'WebhookEndpointWithSecret',
    description: 'The endpoint just set, with its new signing secret (shown once; verify webhook-signature with it).',
    example: { ...EXAMPLE_ENDPOINT, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
  });
export type WebhookEndpointWithSecretResponse = z.infer<typeof webhookEndpointWithSecretSchema>;

const attemptSchema = z
  .object({
    at: z.iso.datetime(),
    url: z.string(),
    durationMs: z.number().int().nonnegative(),
    statusCode: z.number().int().optional(),
    error: z.string().optional(),
  })
  .strict();

export const webhookDeliverySchema = z
  .object({
    id: z.uuid(),
    eventId: z.string().describe('the event id, also sent as webhook-id'),
    type: z.string(),
    notificationId: z.uuid(),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES),
    attempts: z.array(attemptSchema),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .strict()
  .meta({
    id: 'WebhookDelivery',
    description: 'One event on its way to your endpoint, with every HTTP attempt.',
    example: {
      id: '0b9e7c52-6f0d-4c41-a3a4-2f6f0a1e9d11',
      eventId: 'Qm9zLl3xYz0aK1c2dE4fG5hI6jK7lM8n',
      type: 'notification.sent',
      notificationId: '3f1c2b4a-9d8e-4f7a-8b6c-5d4e3f2a1b0c',
      status: 'delivered',
      attempts: [{ at: '2026-11-22T10:00:00.200Z', url: 'https://shop.example.com/herald-webhook', durationMs: 84, statusCode: 200 }],
      createdAt: '2026-11-22T10:00:00.150Z',
      updatedAt: '2026-11-22T10:00:00.290Z',
    },
  });

export const webhookDeliveryPageSchema = z
  .object({ data: z.array(webhookDeliverySchema), nextCursor: z.string().nullable() })
  .strict()
  .meta({ id: 'WebhookDeliveryPage', description: 'Deliveries, newest first.' });
export type WebhookDeliveryPage = z.infer<typeof webhookDeliveryPageSchema>;
