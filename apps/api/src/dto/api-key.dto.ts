import { z } from 'zod';
import { API_KEY_SCOPES } from '@herald/persistence';
import type { RequestExamples } from '../http/openapi';

export const createApiKeyBody = z
  .object({
    name: z.string().trim().min(1).max(100).meta({ description: 'What the key is for, to recognise it in the list.', example: 'Shop dashboard' }),
    scope: z.enum(API_KEY_SCOPES).meta({
      description:
        '`full`: every /v1 route. `read`: GET routes, the event stream and its stream tokens; anything else answers 403 `insufficient_scope`. ' +
        '`test`: what a full key does, in your test world: its orders, customers, campaigns and notifications are marked `test`, go through ' +
        'the queues, statuses, events and webhooks, but never reach a provider; it sees only what test keys made, and cannot change your ' +
        'settings, templates, webhook endpoint or keys, nor read exports (403 `insufficient_scope`).',
      example: 'read',
    }),
  })
  .strict()
  .meta({ id: 'CreateApiKeyRequest', description: 'A new API key: its name and scope.' });
export type CreateApiKeyBody = z.infer<typeof createApiKeyBody>;

export const createApiKeyExamples: RequestExamples = {
  dashboard: { summary: 'A read-only key for a dashboard', value: { name: 'Shop dashboard', scope: 'read' } },
  integration: { summary: 'A key for the shop’s back office', value: { name: 'Back office', scope: 'full' } },
  test: { summary: 'A test key for the back office’s CI: nothing it sends reaches a customer', value: { name: 'CI', scope: 'test' } },
};

const apiKeyFields = {
  id: z.uuid().meta({ description: 'The key’s id (for DELETE).', example: '0b6f3c2e-8d1a-4e5f-9a7b-2c4d6e8f0a1b' }),
  name: z.string().meta({ description: 'What the key is for. The key made with the merchant is `initial`.', example: 'Shop dashboard' }),
  scope: z.enum(API_KEY_SCOPES).meta({ description: 'What the key may do.', example: 'read' }),
  prefix: z.string().meta({ description: 'The key’s first characters, to recognise it; never enough to use it.', example: 'hk_ME7R2a' }),
  createdAt: z.iso.datetime().meta({ description: 'When the key was made.', example: '2026-12-07T10:00:00.000Z' }),
  lastUsedAt: z.iso
    .datetime()
    .nullable()
    .meta({ description: 'When the key last authenticated a request, to the minute (recorded at most once a minute); null: never.', example: null }),
};

export const apiKeyView = z.object(apiKeyFields).meta({ id: 'ApiKey', description: 'One of your API keys (never the key itself).' });

export const createdApiKeyView = z
  .object({
    ...apiKeyFields,
    apiKey: z.string().meta({
      description: 'The key, an opaque `hk_…` string for `Authorization: Bearer`. Shown this once: only its hash is kept.',
      example: 'hk_ME7R2aKS2gxkLOEh5_ngSDUy9tGisxkNKAfU0ROEMK0',
    }),
  })
  .meta({ id: 'CreatedApiKey', description: 'The new key, shown once.' });

export const apiKeyListView = z
  .object({ data: z.array(apiKeyView).meta({ description: 'Every key you hold, oldest first (at most 50).' }) })
  .meta({ id: 'ApiKeyList', description: 'Your API keys, oldest first.' });
