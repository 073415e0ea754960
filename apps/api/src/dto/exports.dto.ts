import { z } from 'zod';
import { isCalendarDay } from '@herald/exports';
import { EXPORT_STATES } from '@herald/persistence';
import { emailField, timezoneField } from './fields';

/** A merchant-local calendar day in a path or a query (query and path schemas stay unnamed: they are documented inline). */
export const exportDay = z
  .string()
  .refine(isCalendarDay, 'must be a calendar day written YYYY-MM-DD, e.g. 2026-11-21')
  .meta({ description: 'A calendar day in the merchant’s time zone (the export settings’ zone).', example: '2026-11-21' });

const recipients = z
  .array(emailField)
  .min(1, 'give at least one recipient')
  .max(10, 'at most 10 recipients')
  .transform((emails) => [...new Set(emails)]);

export const exportSettingsBody = z
  .object({
    enabled: z.boolean().meta({ description: 'Whether the daily export is mailed.', example: true }),
    recipients: recipients.meta({ description: 'Who gets the file: 1 to 10 email addresses.', example: ['backoffice@boulangerie-lune.fr'] }),
    localTime: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time written HH:MM, from 00:00 to 23:59')
      .meta({ description: 'Local time (HH:MM) at which the previous day’s file is mailed.', example: '07:00' }),
    timezone: timezoneField.optional().meta({ description: 'IANA time zone of the days and of `localTime`; default the merchant’s.', example: 'Europe/Paris' }),
  })
  .strict()
  .meta({
    id: 'ExportSettingsBody',
    description: 'The daily export: each day’s orders mailed as a CSV at `localTime` on the following day. Replaces the previous settings.',
    example: { enabled: true, recipients: ['backoffice@boulangerie-lune.fr'], localTime: '07:00', timezone: 'Europe/Paris' },
  });
export type ExportSettingsBody = z.infer<typeof exportSettingsBody>;

export const listExportsQuery = z
  .object({
    before: exportDay.optional(),
    limit: z.coerce.number().int().min(1).max(92).default(14).meta({ description: 'How many days to list (1 to 92).', example: 14 }),
  })
  .strict()
  .meta({ description: 'Days before `before` (exclusive; default: up to today), newest first.', example: { limit: 14 } });
export type ListExportsQuery = z.infer<typeof listExportsQuery>;

const instant = (description: string, example: string) => z.iso.datetime({ offset: true }).meta({ description, example });
const day = (description: string, example = '2026-11-21') => z.string().meta({ description, example });

export const exportSettingsResponse = z
  .object({
    enabled: z.boolean().meta({ description: 'Whether the daily export is mailed.', example: true }),
    recipients: z.array(z.email()).meta({ description: 'Who gets the file.', example: ['backoffice@boulangerie-lune.fr'] }),
    localTime: z.string().meta({ description: 'Local time (HH:MM) at which the previous day’s file is mailed.', example: '07:00' }),
    timezone: z.string().meta({ description: 'The time zone in force (the merchant’s unless set here).', example: 'Europe/Paris' }),
    nextExport: z
      .object({
        day: day('The day the next automatic export covers.'),
        dueAt: instant('When it goes out.', '2026-11-22T07:00:00+01:00'),
      })
      .nullable()
      .meta({ description: 'The next automatic export, or null while exports are off.', example: { day: '2026-11-21', dueAt: '2026-11-22T07:00:00+01:00' } }),
    updatedAt: instant('When the settings were last saved; null until they are first saved.', '2026-11-20T16:02:11.000Z').nullable(),
  })
  .strict()
  .meta({
    id: 'ExportSettings',
    description: 'The merchant’s daily export settings; `updatedAt` is null (and exports off) until they are first saved.',
    example: {
      enabled: true,
      recipients: ['backoffice@boulangerie-lune.fr'],
      localTime: '07:00',
      timezone: 'Europe/Paris',
      nextExport: { day: '2026-11-21', dueAt: '2026-11-22T07:00:00+01:00' },
      updatedAt: '2026-11-20T16:02:11.000Z',
    },
  });

export const exportEntryResponse = z
  .object({
    id: z.uuid().meta({ description: 'The ledger entry’s id.', example: '0b9f4c1e-8a51-4f63-9a8e-4f3d2c1b0a99' }),
    day: day('The merchant-local day the file covers.'),
    kind: z.enum(['daily', 'resend']).meta({ description: '`daily` (the automatic one, at most one per day) or `resend` (asked for).', example: 'daily' }),
    state: z.enum(EXPORT_STATES).meta({ description: '`pending` → `claimed` → `sending` → `sent` | `failed`.', example: 'sent' }),
    recipients: z.array(z.string()).meta({ description: 'Who it was (or will be) mailed to.', example: ['backoffice@boulangerie-lune.fr'] }),
    attempts: z.number().int().meta({ description: 'Provider calls made for it.', example: 1 }),
    possibleDuplicate: z.boolean().meta({ description: 'A worker died during the provider call and the mail was sent again.', example: false }),
    orders: z.number().int().nullable().meta({ description: 'Rows in the file, once built.', example: 42 }),
    file: z
      .object({
        name: z.string().meta({ description: 'The attachment’s file name.', example: 'orders-2026-11-21.csv' }),
        bytes: z.number().int().meta({ description: 'Its size in bytes.', example: 11834 }),
      })
      .nullable()
      .meta({ description: 'The file mailed, once built.', example: { name: 'orders-2026-11-21.csv', bytes: 11834 } }),
    provider: z.string().nullable().meta({ description: 'Who mailed it: `sendgrid` or `log`.', example: 'sendgrid' }),
    messageId: z.string().nullable().meta({ description: 'The provider’s message id.', example: 'Xx1WbR6aS3eP0cZ3cFhY1w' }),
    sentAt: instant('When the provider accepted it.', '2026-11-22T06:00:03.120Z').nullable(),
    error: z
      .object({
        code: z.string().nullable().meta({ description: 'The provider’s or Herald’s code.', example: 'http_403' }),
        message: z.string().meta({ description: 'What went wrong.', example: 'The from address does not match a verified Sender Identity.' }),
      })
      .nullable()
      .meta({ description: 'Why it failed (last error while retrying).', example: null }),
    claimedBy: z.string().nullable().meta({ description: 'The worker holding or last holding it.', example: 'worker-1:4242' }),
    leaseUntil: instant('Until when that worker holds it; another may take it over after.', '2026-11-22T06:01:01.002Z').nullable(),
    createdAt: instant('When the entry was created.', '2026-11-22T06:00:01.002Z'),
    updatedAt: instant('When it last changed.', '2026-11-22T06:00:03.120Z'),
  })
  .strict()
  .meta({
    id: 'ExportEntry',
    description:
      'One export of one day in the ledger: `daily` (the automatic one, at most one per day) or `resend`. ' +
      '`pending` → `claimed` → `sending` → `sent` | `failed`; `possibleDuplicate` means a worker died during the provider call and it was sent again.',
    example: {
      id: '0b9f4c1e-8a51-4f63-9a8e-4f3d2c1b0a99',
      day: '2026-11-21',
      kind: 'daily',
      state: 'sent',
      recipients: ['backoffice@boulangerie-lune.fr'],
      attempts: 1,
      possibleDuplicate: false,
      orders: 42,
      file: { name: 'orders-2026-11-21.csv', bytes: 11834 },
      provider: 'sendgrid',
      messageId: 'Xx1WbR6aS3eP0cZ3cFhY1w',
      sentAt: '2026-11-22T06:00:03.120Z',
      error: null,
      claimedBy: 'worker-1:4242',
      leaseUntil: null,
      createdAt: '2026-11-22T06:00:01.002Z',
      updatedAt: '2026-11-22T06:00:03.120Z',
    },
  });

export const exportDayResponse = z
  .object({
    day: day('The merchant-local day.'),
    dueAt: instant('When its automatic export is (or was) due.', '2026-11-22T07:00:00+01:00'),
    state: z
      .enum([...EXPORT_STATES, 'upcoming', 'due', 'not_scheduled'])
      .meta({ description: 'Its automatic entry’s state, or `upcoming`, `due` or `not_scheduled`.', example: 'due' }),
    entries: z.array(exportEntryResponse).meta({ description: 'Its ledger entries, automatic and resends.' }),
  })
  .strict()
  .meta({
    id: 'ExportDay',
    description:
      'A day and where its export stands: its automatic entry’s state, or `upcoming`, `due` (goes at the next tick) or `not_scheduled` (exports were off, or it is past the catch-up window).',
    example: { day: '2026-11-21', dueAt: '2026-11-22T07:00:00+01:00', state: 'due', entries: [] },
  });

export const exportDayListResponse = z
  .object({
    data: z.array(exportDayResponse).meta({ description: 'Days, newest first.' }),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `before` for older days; null at the merchant’s first day.', example: '2026-11-08' }),
  })
  .strict()
  .meta({
    id: 'ExportDayList',
    description: 'Days newest first; pass `nextCursor` as `before` for older ones (null at the merchant’s first day).',
    example: { data: [{ day: '2026-11-21', dueAt: '2026-11-22T07:00:00+01:00', state: 'due', entries: [] }], nextCursor: '2026-11-08' },
  });
