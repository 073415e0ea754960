import { DateTime } from 'luxon';

/**
 * Merchant-local calendar days (`YYYY-MM-DD`) and when each one's export falls due. A day runs from its first local
 * instant to the next day's first, so a daylight-saving day lasts 23 or 25 hours and is still one day.
 */

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar day written `YYYY-MM-DD` (not `2026-02-30`, nor year 0000, which Postgres has not). */
export function isCalendarDay(text: string): boolean {
  if (!DAY_PATTERN.test(text)) return false;
  const day = DateTime.fromISO(text, { zone: 'UTC' });
  return day.isValid && day.year >= 1;
}

/** `day` moved by `days` calendar days (time zones play no part in counting days). */
export function addDays(day: string, days: number): string {
  return DateTime.fromISO(day, { zone: 'UTC' }).plus({ days }).toISODate()!;
}

/** The calendar day `instant` falls on in `zone`. */
export function localDay(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toISODate()!;
}

/** The day's first instant and the next day's first instant in `zone`: the day is [from, to). */
export function dayBounds(day: string, zone: string): { from: Date; to: Date } {
  const startOf = (d: string) => DateTime.fromISO(d, { zone }).toJSDate();
  return { from: startOf(day), to: startOf(addDays(day, 1)) };
}

/**
 * When `day`'s export falls due: at `localTime` (`HH:MM`) on the following day, in `zone`. A time that the clocks
 * skip that morning (02:30 when they jump from 02:00 to 03:00) moves forward by the jump; a time they go through
 * twice counts once the clocks have gone back (the second time).
 */
export function exportDueAt(day: string, localTime: string, zone: string): Date {
  return DateTime.fromISO(`${addDays(day, 1)}T${localTime}`, { zone }).toJSDate();
}

export interface ExportSchedule {
  zone: string;
  localTime: string;
  /** When automatic exports were switched on; null while they are off. */
  enabledAt: Date | null;
}

/**
 * The days whose export is due at `now`, oldest first: the `catchUpDays` latest days whose export time has passed,
 * among those that fell due while exports were on. After a night of downtime this is every day that was missed.
 */
export function dueDays(schedule: ExportSchedule, now: Date, catchUpDays: number): string[] {
  if (!schedule.enabledAt) return [];
  const yesterday = addDays(localDay(now, schedule.zone), -1);
  const latest = exportDueAt(yesterday, schedule.localTime, schedule.zone) <= now ? yesterday : addDays(yesterday, -1);
  const enabledAt = schedule.enabledAt.getTime();
  const days: string[] = [];
  for (let back = catchUpDays - 1; back >= 0; back -= 1) {
    const day = addDays(latest, -back);
    if (exportDueAt(day, schedule.localTime, schedule.zone).getTime() >= enabledAt) days.push(day);
  }
  return days;
}

/**
 * The oldest day `dueDays` can name at `now` or later: the latest due day is yesterday or the day before, and the
 * catch-up reaches `catchUpDays - 1` days further back. A ledger entry of an older day is never looked at again by the
 * automatic export, so deleting it cannot make that day go out twice.
 */
export function oldestDueDay(now: Date, zone: string, catchUpDays: number): string {
  return addDays(localDay(now, zone), -1 - catchUpDays);
}

/** The next automatic export: the day it covers and when it goes (`now` or later). Null while exports are off. */
export function nextExport(schedule: ExportSchedule, now: Date): { day: string; dueAt: Date } | null {
  if (!schedule.enabledAt) return null;
  const today = localDay(now, schedule.zone);
  const yesterday = addDays(today, -1);
  const day = exportDueAt(yesterday, schedule.localTime, schedule.zone) > now ? yesterday : today;
  return { day, dueAt: exportDueAt(day, schedule.localTime, schedule.zone) };
}
