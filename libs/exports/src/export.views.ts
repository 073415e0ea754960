import { DateTime } from 'luxon';
import type { ExportLedgerEntryEntity, ExportState, ScheduledExport } from '@herald/persistence';

export interface ExportSettingsView {
  enabled: boolean;
  recipients: string[];
  localTime: string;
  timezone: string;
  /** The next automatic export (null while exports are off): the day it covers and when it goes, local time. */
  nextExport: { day: string; dueAt: string } | null;
  /** Null until the merchant saves settings: what it sees are the defaults. */
  updatedAt: string | null;
}

export interface ExportEntryView {
  id: string;
  day: string;
  /** `daily`: the automatic export. `resend`: one the merchant asked for. */
  kind: string;
  state: ExportState;
  recipients: string[];
  attempts: number;
  /** A worker died during the provider call and the day was sent again: the recipients may have it twice. */
  possibleDuplicate: boolean;
  orders: number | null;
  file: { name: string; bytes: number } | null;
  provider: string | null;
  messageId: string | null;
  sentAt: string | null;
  error: { code: string | null; message: string } | null;
  /** Which worker holds (or last held) the entry, and until when. */
  claimedBy: string | null;
  leaseUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * Where a day stands: its automatic entry's state, or, with none yet, `upcoming` (its time has not come), `due` (it
 * goes at the next tick) or `not_scheduled` (exports were off when it fell due, or it is past the catch-up window).
 */
export type ExportDayState = ExportState | 'upcoming' | 'due' | 'not_scheduled';

export interface ExportDayView {
  day: string;
  /** When the day's automatic export falls due, merchant-local with its offset. */
  dueAt: string;
  state: ExportDayState;
  entries: ExportEntryView[];
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export const localIso = (instant: Date, zone: string) => DateTime.fromJSDate(instant, { zone }).toISO({ suppressMilliseconds: true })!;

export function toExportSettingsView(settings: ScheduledExport, next: { day: string; dueAt: Date } | null): ExportSettingsView {
  return {
    enabled: settings.enabled,
    recipients: settings.recipients,
    localTime: settings.localTime,
    timezone: settings.zone,
    nextExport: next && { day: next.day, dueAt: localIso(next.dueAt, settings.zone) },
    updatedAt: iso(settings.updatedAt),
  };
}

export function toExportEntryView(entry: ExportLedgerEntryEntity): ExportEntryView {
  return {
    id: entry.id,
    day: entry.day,
    kind: entry.kind,
    state: entry.state,
    recipients: entry.recipients,
    attempts: entry.attempts,
    possibleDuplicate: entry.possibleDuplicate,
    orders: entry.orderCount,
    file: entry.fileName === null ? null : { name: entry.fileName, bytes: entry.fileBytes ?? 0 },
    provider: entry.provider,
    messageId: entry.messageId,
    sentAt: iso(entry.sentAt),
    error: entry.error === null ? null : { code: entry.errorCode, message: entry.error },
    claimedBy: entry.claimedBy,
    leaseUntil: iso(entry.leaseUntil),
    createdAt: iso(entry.createdAt)!,
    updatedAt: iso(entry.updatedAt)!,
  };
}
