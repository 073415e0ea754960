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
  if ('before' in policy) {
    const lead = leadTime(policy.before);
    // Hours, minutes and seconds are exact lengths in any zone: only calendar units need the zone's rules.
    if (lead.exactMs !== null) return new Date(pickupAt.getTime() - lead.exactMs);
    return DateTime.fromJSDate(pickupAt, { zone: timezone }).minus(lead.duration).toJSDate();
  }
  const pickup = DateTime.fromJSDate(pickupAt, { zone: timezone });
  const day = pickup.startOf('day').minus({ days: policy.daysBefore });
  return firstInstantAt(day, parseLocalTime(policy.at), timezone).toJSDate();
}

export interface LeadTime {
  duration: Duration;
  /** Its length in ms when it has no calendar units (years, months, weeks, days); else null. */
  exactMs: number | null;
}

/** Merchants use a handful of lead times: each is parsed once. */
const leadTimes = new Map<string, LeadTime>();
const LEAD_TIME_CACHE_SIZE = 1000;

/** An ISO 8601 duration, parsed once per text (see LeadTime). */
export function leadTime(text: string): LeadTime {
  let lead = leadTimes.get(text);
  if (!lead) {
    const duration = Duration.fromISO(text);
    const { years, quarters, months, weeks, days } = duration;
    const calendar = years || quarters || months || weeks || days;
    lead = { duration, exactMs: calendar ? null : duration.toMillis() };
    if (leadTimes.size >= LEAD_TIME_CACHE_SIZE) leadTimes.clear();
    leadTimes.set(text, lead);
  }
  return lead;
}

const DAY_MS = 86_400_000;
/** A calendar month or year counted from a day its length cannot hold (31 January + P1M) ends early: leeway for that. */
const CALENDAR_CLAMP_MS = 3 * DAY_MS;

/**
 * The least time an ISO 8601 duration spans from any instant, counted in UTC on the calendar (years of 365 days,
 * quarters of 89, months of 28, days of 24 hours): an instant closer than this to `from` is surely within `from` plus
 * the duration, with no calendar arithmetic. -Infinity for a duration that is invalid or has a negative part.
 */
export function shortestSpanMs(iso: string): number {
  const duration = Duration.fromISO(iso);
  if (!duration.isValid) return -Infinity;
  const { years, quarters, months, weeks, days, hours, minutes, seconds, milliseconds } = duration;
  if ([years, quarters, months, weeks, days, hours, minutes, seconds, milliseconds].some((part) => part < 0)) return -Infinity;
  const calendar = (years * 365 + quarters * 89 + months * 28) * DAY_MS;
  const exact = (weeks * 7 + days) * DAY_MS + hours * 3_600_000 + minutes * 60_000 + seconds * 1000 + milliseconds;
  return (calendar > 0 ? Math.max(0, calendar - CALENDAR_CLAMP_MS) : 0) + exact;
}

/**
 * Whether a policy's lead time is no longer than `longest` (an ISO 8601 duration such as MAX_SCHEDULE_AHEAD), both
 * counted on the calendar from `from`. A lead no calendar can hold (P7000Y, P1e20Y) is longer.
 */
export function leadTimeWithin(policy: ReminderPolicy, longest: string, from: Date): boolean {
  const start = DateTime.fromJSDate(from, { zone: 'utc' });
  const lead = 'before' in policy ? Duration.fromISO(policy.before) : Duration.fromObject({ days: policy.daysBefore });
  if (!lead.isValid) return false;
  const leadEnd = start.plus(lead);
  return leadEnd.isValid && Math.abs(leadEnd.year) < 10_000 && leadEnd <= start.plus(Duration.fromISO(longest));
}
