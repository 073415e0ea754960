import { DateTime, IANAZone } from 'luxon';

/** A wall-clock time of day, `HH:MM` on a 24-hour clock (`00:00` to `23:59`). */
export const LOCAL_TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;

export interface LocalTime {
  hour: number;
  minute: number;
}

export function parseLocalTime(text: string): LocalTime {
  if (!LOCAL_TIME_PATTERN.test(text)) throw new RangeError(`not a time of day (HH:MM, 00:00 to 23:59): ${text}`);
  const [hour, minute] = text.split(':').map(Number);
  return { hour, minute };
}

const MINUTE_MS = 60_000;
/** Far enough either side of a wall-clock time to see the offsets in force before and after any transition near it. */
const OFFSET_PROBE_MS = 36 * 3600_000;

/**
 * The first instant at which the clock in `zone` reads `time` on the calendar day of `day` (a DateTime in that zone).
 * Time-zone transitions make this more than a lookup:
 * - a time the clock skips (02:30 when 02:00 jumps to 03:00) is never read; the first instant at or after it is the
 *   jump itself (03:00);
 * - a time the clock reads twice (01:30 when 02:00 falls back to 01:00) is its first reading, before the fall-back.
 */
export function firstInstantAt(day: DateTime, time: LocalTime, zone: string): DateTime {
  const tz = IANAZone.create(zone);
  // The wall-clock reading as if it were UTC: an instant t reads it when t + offset(t) equals it.
  const reading = Date.UTC(day.year, day.month - 1, day.day, time.hour, time.minute);
  const offsets = [...new Set([tz.offset(reading - OFFSET_PROBE_MS), tz.offset(reading), tz.offset(reading + OFFSET_PROBE_MS)])];
  const instants = offsets.map((offset) => reading - offset * MINUTE_MS).filter((t) => reading - tz.offset(t) * MINUTE_MS === t);
  if (instants.length) return DateTime.fromMillis(Math.min(...instants), { zone });

  // Skipped: the clock jumped from before the reading to after it. Find the jump between the two readings' instants.
  let before = reading - Math.max(...offsets) * MINUTE_MS;
  let after = reading - Math.min(...offsets) * MINUTE_MS;
  const offsetBefore = tz.offset(before);
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (tz.offset(middle) === offsetBefore) before = middle;
    else after = middle;
  }
  return DateTime.fromMillis(after, { zone });
}
