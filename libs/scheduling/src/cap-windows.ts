import { DateTime } from 'luxon';

/** The calendar periods a frequency cap counts in: the merchant's local day and ISO week (Monday to Sunday). */
export interface CapWindows {
  /** `YYYY-MM-DD`, local. */
  day: string;
  /** `kkkk-Www` (ISO week-year and week), local. */
  week: string;
  /** The first instant of the next local day. */
  dayEndsAt: Date;
  /** The first instant of the next local week (Monday 00:00). */
  weekEndsAt: Date;
}

/** The local day and ISO week `at` falls in, in `timezone`; each ends at the next local midnight (DST nights included). */
export function capWindowsAt(at: Date, timezone: string): CapWindows {
  const local = DateTime.fromJSDate(at, { zone: timezone });
  return {
    day: local.toISODate()!,
    week: local.toFormat("kkkk-'W'WW"),
    dayEndsAt: local.startOf('day').plus({ days: 1 }).toJSDate(),
    weekEndsAt: local.startOf('week').plus({ weeks: 1 }).toJSDate(),
  };
}

/** The first instant of the local ISO week `at` falls in. */
export function weekStartAt(at: Date, timezone: string): Date {
  return DateTime.fromJSDate(at, { zone: timezone }).startOf('week').toJSDate();
}
