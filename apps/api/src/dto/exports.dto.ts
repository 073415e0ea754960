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
    enabled: z.boolean(),
    recipients,
    localTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time written HH:MM, from 00:00 to 23:59'),
    timezone: timezoneField.optional(),
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
    limit: z.coerce.number().int().min(1).max(92).default(14),
  })
  .strict()
  .meta({ description: 'Days before `before` (exclusive; default: up to today), newest first.', example: { limit: 14 } });
export type ListExportsQuery = z.infer<typeof listExportsQuery>;

const instant = z.iso.datetime({ offset: true });

export const exportSettingsResponse = z
  .object({
    enabled: z.boolean(),
    recipients: z.array(z.email()),
    localTime: z.string(),
    timezone: z.string(),
    nextExport: z.object({ day: z.string(), dueAt: instant }).nullable(),
    updatedAt: instant.nullable(),
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
    id: z.uuid(),
    day: z.string(),
    kind: z.enum(['daily', 'resend']),
    state: z.enum(EXPORT_STATES),
    recipients: z.array(z.string()),
    attempts: z.number().int(),
    possibleDuplicate: z.boolean(),
    orders: z.number().int().nullable(),
    file: z.object({ name: z.string(), bytes: z.number().int() }).nullable(),
    provider: z.string().nullable(),
    messageId: z.string().nullable(),
    sentAt: instant.nullable(),
    error: z.object({ code: z.string().nullable(), message: z.string() }).nullable(),
    claimedBy: z.string().nullable(),
    leaseUntil: instant.nullable(),
    createdAt: instant,
    updatedAt: instant,
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
    day: z.string(),
    dueAt: instant,
    state: z.enum([...EXPORT_STATES, 'upcoming', 'due', 'not_scheduled']),
    entries: z.array(exportEntryResponse),
  })
  .strict()
  .meta({
    id: 'ExportDay',
    description:
      'A day and where its export stands: its automatic entry’s state, or `upcoming`, `due` (goes at the next tick) or `not_scheduled` (exports were off, or it is past the catch-up window).',
    example: { day: '2026-11-21', dueAt: '2026-11-22T07:00:00+01:00', state: 'due', entries: [] },
  });

export const exportDayListResponse = z
  .object({ data: z.array(exportDayResponse), nextCursor: z.string().nullable() })
  .strict()
  .meta({
    id: 'ExportDayList',
    description: 'Days newest first; pass `nextCursor` as `before` for older ones (null at the merchant’s first day).',
    example: { data: [{ day: '2026-11-21', dueAt: '2026-11-22T07:00:00+01:00', state: 'due', entries: [] }], nextCursor: '2026-11-08' },
  });
