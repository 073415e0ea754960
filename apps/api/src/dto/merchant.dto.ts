import { z } from 'zod';
import type { ErrorCode } from '@herald/errors';
import { frequencyCapsSchema, quietHoursSchema, reminderPolicySchema } from '@herald/merchants';
import type { RequestExamples } from '../http/openapi';
import { SMS_PROVIDER_NAMES } from '@herald/config';
import { durationField, localeField, phoneField, shopNameField, timezoneField } from './fields';

export const createMerchantBody = z
  .object({
    name: shopNameField.meta({ description: 'The shop’s name, as customers see it in the texts.', example: 'Boulangerie Lune' }),
    timezone: timezoneField.optional().meta({ description: 'IANA time zone the texts show times in; default UTC.' }),
    defaultReminderBefore: durationField
      .optional()
      .meta({ description: 'ISO 8601 duration before pickup for orders that give no `reminderBefore`; default P1D. It becomes the merchant’s `reminderPolicy` `{before}`.' }),
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

const shopName = shopNameField;

export const updateMerchantBody = z
  .object({
    name: shopName.optional().meta({ description: 'The shop’s name, as customers see it in the texts.', example: 'Boulangerie Lune' }),
    timezone: timezoneField.optional().meta({ description: 'IANA time zone; an unknown zone answers 400 `invalid_timezone`.' }),
    defaultLocale: localeField.optional().meta({ description: 'Language of customers who give none.' }),
    quietHours: quietHoursSchema
      .nullable()
      .optional()
      .meta({ description: 'Local quiet hours `{start, end}`, or null for none; a bad time or start = end answers 400 `invalid_quiet_hours`.' }),
    reminderPolicy: reminderPolicySchema
      .optional()
      .meta({ description: 'The reminder policy of orders created from now on; a bad duration, time or a negative day answers 400 `invalid_reminder_policy`.' }),
    smsFrom: phoneField
      .nullable()
      .optional()
      .meta({
        description:
          'Your own number (E.164) to send SMS from, in Herald’s provider account (Twilio’s, with one provider); null: the platform’s ' +
          '(`TWILIO_FROM`). With several SMS providers it is used at each one you give no number at in `smsFromByProvider`. Opt-outs are ' +
          'per number. A number is one merchant’s: one another merchant sends from answers 409 `sms_sender_taken`.',
        example: '+33757000001',
      }),
    smsFromByProvider: z
      .object(Object.fromEntries(SMS_PROVIDER_NAMES.map((provider) => [provider, phoneField.nullable().optional()])))
      .strict()
      .optional()
      .meta({
        description:
          'Your own number at a given SMS provider (E.164), when the operator runs several (`SMS_PROVIDERS`): an SMS that provider carries ' +
          'goes out from it; null removes it (`smsFrom` is used there again); providers left out keep theirs. Needs `smsFrom` (else 422 ' +
          '`sms_sender_required`): a STOP texted to any of your numbers stops the texts from all of them. Another merchant’s number answers ' +
          '409 `sms_sender_taken`.',
        example: { vonage: '+33757000002' },
      }),
    emailSenderName: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[^\r\n"<>]*$/, 'must not contain line breaks, quotes or angle brackets')
      .nullable()
      .optional()
      .meta({ description: 'The name emails show as their sender; null: the address alone.', example: 'Boulangerie Lune' }),
    retention: durationField
      .optional()
      .meta({
        description:
          'How long finished orders are kept (ISO 8601 duration, counted back on the UTC calendar): the daily purge deletes an order picked ' +
          'up longer ago, whose notifications are all final, with its notifications, their events and webhook deliveries, and export days ' +
          'as old. From P1D to P3Y (else 422 `retention_out_of_range`) and no longer than this Herald’s `MAX_RETENTION` (else 422 ' +
          '`retention_above_maximum`); not a duration: 400 `invalid_retention`.',
        example: 'P1Y',
      }),
    frequencyCaps: frequencyCapsSchema.optional().meta({
      description:
        'Caps on `bulk` campaign messages per customer, `{perDay, perWeek}` (each a whole number from 1 to 1000, or null for none): both are ' +
        'given, and a weekly cap below the daily one answers 400 `invalid_frequency_caps`. Campaigns fanned out from now on follow them.',
    }),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'give at least one setting to change')
  .meta({
    id: 'UpdateMerchantRequest',
    description:
      'The settings to change; the others stay. Orders created from now on follow them. A new `reminderPolicy` does not move reminders ' +
      'already planned (each order keeps the policy it was planned with), and an order’s own `reminderBefore` still wins.',
  });
export type UpdateMerchantBody = z.infer<typeof updateMerchantBody>;

/** Bad settings answer with the setting's own code. */
export const MERCHANT_SETTING_CODES: Record<string, ErrorCode> = {
  timezone: 'invalid_timezone',
  quietHours: 'invalid_quiet_hours',
  reminderPolicy: 'invalid_reminder_policy',
  retention: 'invalid_retention',
  frequencyCaps: 'invalid_frequency_caps',
};

export const updateMerchantExamples: RequestExamples = {
  dayBefore: {
    summary: 'Remind the day before at 10:00, never between 21:00 and 08:00',
    value: { timezone: 'Europe/Paris', defaultLocale: 'fr', quietHours: { start: '21:00', end: '08:00' }, reminderPolicy: { daysBefore: 1, at: '10:00' } },
  },
  // Not a number of one's own: the example is for every merchant, and a number is only one merchant's (409 sms_sender_taken).
  senders: {
    summary: 'Emails under your name; SMS from the platform’s number (or give your own Twilio number, e.g. +33757000001)',
    value: { smsFrom: null, emailSenderName: 'Boulangerie Lune' },
  },
  frequencyCaps: { summary: 'At most 2 campaign messages a day and 5 a week to one customer', value: { frequencyCaps: { perDay: 2, perWeek: 5 } } },
  leadTime: { summary: 'Two hours before pickup, no quiet hours', value: { reminderPolicy: { before: 'PT2H' }, quietHours: null } },
  retention: { summary: 'Keep finished orders for a month', value: { retention: 'P1M' } },
};
