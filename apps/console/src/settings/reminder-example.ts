import { instantAt, wallClockAt } from '../time/zoned';

export type ReminderPolicy = { before: string } | { daysBefore: number; at: string };

/** The days, hours, minutes and seconds of an ISO 8601 duration (`P1D`, `PT2H30M`); null when it is not one. */
export function durationParts(duration: string): { days: number; hours: number; minutes: number; seconds: number } | null {
  const match = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(duration);
  if (!match || duration === 'P' || duration.endsWith('T')) return null;
  const [weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  return { days: weeks * 7 + days, hours, minutes, seconds };
}

/** The next Tuesday at 10:00 in `timeZone` after `now`: the pickup the settings page's example is about. */
export function examplePickup(now: Date, timeZone: string): Date {
  const today = wallClockAt(now, timeZone);
  const weekday = new Date(Date.UTC(today.year, today.month - 1, today.day)).getUTCDay();
  const ahead = ((2 - weekday + 7) % 7) || 7;
  const date = new Date(Date.UTC(today.year, today.month - 1, today.day + ahead));
  return instantAt({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: 10, minute: 0 }, timeZone);
}

/**
 * When `policy` sends the reminder of a pickup at `pickup`, as Herald's server plans it: days are calendar days on
 * the merchant's wall clock (P1D before Tuesday 10:00 is Monday 10:00, DST or not), hours and less are elapsed time.
 * Null when the reminder would fall at or after the pickup (the server skips it). Quiet hours are not applied here.
 */
export function reminderFor(policy: ReminderPolicy, pickup: Date, timeZone: string): Date | null {
  const wall = wallClockAt(pickup, timeZone);
  let reminder: Date;
  if ('before' in policy) {
    const parts = durationParts(policy.before);
    if (!parts) return null;
    const day = new Date(Date.UTC(wall.year, wall.month - 1, wall.day - parts.days));
    const sameTime = instantAt({ year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), hour: wall.hour, minute: wall.minute }, timeZone);
    reminder = new Date(sameTime.getTime() - ((parts.hours * 60 + parts.minutes) * 60 + parts.seconds) * 1000);
  } else {
    const [hour, minute] = policy.at.split(':').map(Number);
    const day = new Date(Date.UTC(wall.year, wall.month - 1, wall.day - policy.daysBefore));
    reminder = instantAt({ year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), hour, minute }, timeZone);
  }
  return reminder < pickup ? reminder : null;
}
