import { z } from 'zod';
import type { RequestExamples } from '../http/openapi';
import { durationField, timezoneField } from './fields';

export const createMerchantBody = z
  .object({
    name: z.string().trim().min(1).max(200).meta({ description: 'The shop’s name, as customers see it in the texts.', example: 'Boulangerie Lune' }),
    timezone: timezoneField.optional().meta({ description: 'IANA time zone the texts show times in; default UTC.' }),
    defaultReminderBefore: durationField.optional().meta({ description: 'ISO 8601 duration before pickup for orders that give no `reminderBefore`; default P1D.' }),
  })
  .strict()
  .meta({ id: 'CreateMerchantRequest', description: 'A merchant: its name, time zone and default reminder lead time.' });
export type CreateMerchantBody = z.infer<typeof createMerchantBody>;

export const createMerchantExamples: RequestExamples = {
  bakery: { summary: 'A bakery in Paris, reminding two hours ahead', value: { name: 'Boulangerie Lune', timezone: 'Europe/Paris', defaultReminderBefore: 'PT2H' } },
};

export const createdMerchantView = z
  .object({
    id: z.uuid().meta({ description: 'The merchant id.', example: '5d7e9f1a-3b2c-4d6e-8f0a-1b3c5d7e9f2a' }),
    name: z.string().meta({ description: 'The shop’s name.', example: 'Boulangerie Lune' }),
    timezone: z.string().meta({ description: 'IANA time zone.', example: 'Europe/Paris' }),
    defaultReminderBefore: z.string().meta({ description: 'ISO 8601 duration before pickup, e.g. P1D or PT2H.', example: 'PT2H' }),
    apiKey: z.string().meta({
      description: 'The merchant’s API key, an opaque `hk_…` string for `Authorization: Bearer`. Shown this once: only its hash is kept.',
      example: 'hk_ME7R2aKS2gxkLOEh5_ngSDUy9tGisxkNKAfU0ROEMK0',
    }),
  })
  .meta({ id: 'CreatedMerchant', description: 'The new merchant, with its API key (shown once).' });
export type CreatedMerchantView = z.infer<typeof createdMerchantView>;
