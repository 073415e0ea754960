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

interface LeadTime {
  duration: Duration;
  /** Its length in ms when it has no calendar units (years, months, weeks, days); else null. */
  exactMs: number | null;
}

/** Merchants use a handful of lead times: each is parsed once. */
const leadTimes = new Map<string, LeadTime>();
const LEAD_TIME_CACHE_SIZE = 1000;

function leadTime(text: string): LeadTime {
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
