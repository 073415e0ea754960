import { DateTime, Duration } from 'luxon';
import { firstInstantAt, parseLocalTime } from './local-time';

/**
 * When a pickup's reminder goes out: a lead time before pickup (`{before: "P1D"}`, ISO 8601), or a wall-clock time
 * some calendar days before it (`{daysBefore: 1, at: "10:00"}`: the day before at 10:00, local time).
 */
export type ReminderPolicy = { before: string } | { daysBefore: number; at: string };

/**
 * The reminder's due time, on the merchant's calendar. `before` is subtracted in the zone, so that "P1D" before 10:00
 * is 10:00 the day before even across a DST change ("PT24H" is exactly 24 hours). `daysBefore`/`at` counts calendar
 * days back from the pickup's local date and takes the first instant the clock reads `at` that day (see firstInstantAt
 * for a time the clock skips or reads twice).
 */
export function reminderDueAt(pickupAt: Date, policy: ReminderPolicy, timezone: string): Date {
  const pickup = DateTime.fromJSDate(pickupAt, { zone: timezone });
  if ('before' in policy) return pickup.minus(Duration.fromISO(policy.before)).toJSDate();
  const day = pickup.startOf('day').minus({ days: policy.daysBefore });
  return firstInstantAt(day, parseLocalTime(policy.at), timezone).toJSDate();
}
