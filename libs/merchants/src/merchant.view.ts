import { z } from 'zod';
import type { MerchantEntity } from '@herald/persistence';
import { isPositiveIsoDuration, LOCAL_TIME_PATTERN } from '@herald/scheduling';
import { merchantReminderPolicy, quietHoursOf } from './merchant-settings';
import { effectiveRetention } from './retention-setting';

/*
 * Merchant settings as merchants read and write them. The policy and quiet-hours schemas validate requests and
 * describe answers alike (one OpenAPI component each); their refinements are what a PATCH checks.
 */

const localTime = (description: string, example: string) =>
  z.string().regex(LOCAL_TIME_PATTERN, 'must be a time of day HH:MM, 00:00 to 23:59').meta({ description: `${description}, local \`HH:MM\` (24-hour clock).`, example });

export const reminderPolicySchema = z
  .union([
    z
      .object({
        before: z
          .string()
          .refine(isPositiveIsoDuration, 'must be a positive ISO 8601 duration, e.g. P1D or PT2H')
          .meta({ description: 'ISO 8601 duration before pickup, subtracted on the merchant’s calendar (P1D before 10:00 is 10:00 the day before).', example: 'P1D' }),
      })
      .strict()
      .meta({ description: 'A lead time before pickup.' }),
    z
      .object({
        daysBefore: z
          .number()
          .int('expected an integer (whole days before the pickup)')
          .min(0)
          .max(365)
          .meta({ description: 'Calendar days before the pickup’s local date: 1 is the day before, 0 the same day.', example: 1 }),
        at: localTime('The time the reminder goes out that day', '10:00'),
      })
      .strict()
      .meta({ description: 'A wall-clock time some calendar days before pickup.' }),
  ], { error: 'expected {"before": "<ISO 8601 duration>"} or {"daysBefore": <whole days>, "at": "HH:MM"}' })
  .meta({
    id: 'ReminderPolicy',
    description:
      'When an order’s reminder goes: `{"before": "P1D"}` (a lead time) or `{"daysBefore": 1, "at": "10:00"}` (the day before at 10:00 ' +
      'local time). A time the clock skips on a DST night is the jump (02:30 → 03:00); a time it reads twice is its first reading. A ' +
      'reminder that would fall at or after the pickup is skipped (`reminder_after_pickup`).',
  });

const QUIET_HOURS =
  'A reminder or bulk message due inside them goes when they end, unless that is at or after the pickup: then in the last minute ' +
  'before they began (or it is skipped, `quiet_hours`, when no moment before pickup is allowed). Confirmations and one-off critical ' +
  'messages are never delayed.';

/** Quiet hours: inline rather than a component, since OpenAPI 3.0 cannot make a referenced schema nullable. */
export const quietHoursSchema = z
  .object({
    start: localTime('When quiet hours begin', '21:00'),
    end: localTime('When they end (the next day when not after `start`)', '08:00'),
  })
  .strict()
  .refine((hours) => hours.start !== hours.end, { message: 'start and end must differ', path: ['end'] })
  .meta({
    description:
      `Local hours when reminders and bulk messages are not sent. ${QUIET_HOURS}`,
  });

const FREQUENCY_CAPS =
  'How many `bulk` campaign messages one customer gets at most per local day (your time zone, midnight to midnight) and per ISO ' +
  'week (Monday to Sunday); a campaign skips the customers over a cap (`skipped.frequency_cap`). A message counts on the day it is ' +
  'due, from the moment the campaign gives it to the customer; a cancelled campaign’s sends stop counting, a failed send keeps its ' +
  'count. `critical` messages (confirmations, reminders, one-off critical messages) are never capped.';

const capField = (period: string, example: number | null) =>
  z
    .number()
    .int('expected a whole number of messages')
    .min(1, 'must be at least 1 (null for no cap)')
    .max(1000, 'must be at most 1000')
    .nullable()
    .meta({ description: `At most this many a ${period}; null: no cap.`, example });

/** Frequency caps: inline, like quiet hours. */
export const frequencyCapsSchema = z
  .object({ perDay: capField('local day', 2), perWeek: capField('week', 5) })
  .strict()
  .refine((caps) => caps.perDay === null || caps.perWeek === null || caps.perWeek >= caps.perDay, {
    message: 'must be at least perDay',
    path: ['perWeek'],
  })
  .meta({ description: FREQUENCY_CAPS });

export const merchantView = z
  .object({
    id: z.uuid().meta({ description: 'The merchant id.', example: '5d7e9f1a-3b2c-4d6e-8f0a-1b3c5d7e9f2a' }),
    name: z.string().meta({ description: 'The shop’s name, as customers see it in the texts (`{{shopName}}`).', example: 'Boulangerie Lune' }),
    timezone: z.string().meta({ description: 'IANA time zone: reminder times, quiet hours and the times texts show are in it.', example: 'Europe/Paris' }),
    defaultLocale: z.string().meta({ description: 'Language of customers who give none (BCP 47).', example: 'fr' }),
    quietHours: quietHoursSchema.nullable().meta({ description: `Quiet hours, or null for none. ${QUIET_HOURS}` }),
    reminderPolicy: reminderPolicySchema,
    smsFrom: z.string().nullable().meta({ description: 'The number SMS go out from (E.164); null: the platform’s `TWILIO_FROM`.', example: '+33757000001' }),
    smsFromByProvider: z
      .record(z.string(), z.string())
      .meta({ description: 'Your own number at each SMS provider you gave one for, used there in place of `smsFrom`.', example: { vonage: '+33757000002' } }),
    emailSenderName: z.string().nullable().meta({ description: 'The name emails show as their sender; null: the address alone.', example: 'Boulangerie Lune' }),
    retention: z.string().meta({
      description:
        'How long your finished orders are kept (ISO 8601 duration, P1D to P3Y; default P90D): an order picked up longer ago than this, ' +
        'whose notifications are all final, is deleted by the daily purge with its notifications, their events and webhook deliveries; ' +
        'export days older than this go too.',
      example: 'P90D',
    }),
    effectiveRetention: z.string().meta({
      description:
        'The retention the purge applies: `retention`, or this Herald’s longest (`MAX_RETENTION`) when that is shorter, as when the ' +
        'operator lowered it after you set yours.',
      example: 'P90D',
    }),
    frequencyCaps: frequencyCapsSchema,
    createdAt: z.iso.datetime({ offset: true }).meta({ description: 'When the merchant was created. ISO 8601 with an offset.', example: '2026-11-30T16:20:00.000Z' }),
    updatedAt: z.iso.datetime({ offset: true }).meta({ description: 'When its settings last changed. ISO 8601 with an offset.', example: '2026-11-30T16:20:00.000Z' }),
  })
  .meta({ id: 'Merchant', description: 'A merchant’s settings.' });
export type MerchantView = z.infer<typeof merchantView>;

/** `maxRetention`: the operator's MAX_RETENTION, which caps the retention applied. */
export function toMerchantView(merchant: MerchantEntity, maxRetention: string, now = new Date()): MerchantView {
  return {
    id: merchant.id,
    name: merchant.name,
    timezone: merchant.timezone,
    defaultLocale: merchant.defaultLocale,
    quietHours: quietHoursOf(merchant),
    reminderPolicy: merchantReminderPolicy(merchant),
    smsFrom: merchant.smsFrom,
    smsFromByProvider: merchant.smsFromByProvider as Record<string, string>,
    emailSenderName: merchant.emailSenderName,
    retention: merchant.retention,
    effectiveRetention: effectiveRetention(merchant.retention, maxRetention, now),
    frequencyCaps: { perDay: merchant.bulkCapPerDay, perWeek: merchant.bulkCapPerWeek },
    createdAt: new Date(merchant.createdAt).toISOString(),
    updatedAt: new Date(merchant.updatedAt).toISOString(),
  };
}
