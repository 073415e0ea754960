import { DateTime } from 'luxon';
import { firstInstantAt, LocalTime, parseLocalTime } from './local-time';

/** The merchant's quiet hours, local wall-clock `HH:MM`: `{start: "21:00", end: "08:00"}` runs overnight. */
export interface QuietHours {
  start: string;
  end: string;
}

/** What the scheduling rules know of a merchant: its zone, and its quiet hours if it has any. */
export interface SchedulingRules {
  timezone: string;
  quietHours: QuietHours | null;
}

/** One quiet window, as instants: from `start` (included) to `end` (excluded). */
export interface QuietWindow {
  start: Date;
  end: Date;
}

/** Where a send fell in quiet hours, and where it went instead. */
export interface QuietHoursShift {
  due: Date;
  window: QuietWindow;
}

/**
 * The quiet window starting on the calendar day of `day`: from the first instant the clock reads `start` that day, to
 * the first instant it reads `end` (the next day when `end` is not after `start`). Around a DST change a window is an
 * hour shorter or longer, as the night is.
 */
function windowStartingOn(day: DateTime, start: LocalTime, end: LocalTime, zone: string): QuietWindow {
  const overnight = end.hour * 60 + end.minute <= start.hour * 60 + start.minute;
  return {
    start: firstInstantAt(day, start, zone).toJSDate(),
    end: firstInstantAt(overnight ? day.plus({ days: 1 }) : day, end, zone).toJSDate(),
  };
}

/** The quiet window `at` falls in, or null when it is outside quiet hours. */
export function quietWindowAt(at: Date, { timezone, quietHours }: SchedulingRules): QuietWindow | null {
  if (!quietHours) return null;
  const start = parseLocalTime(quietHours.start);
  const end = parseLocalTime(quietHours.end);
  const today = DateTime.fromJSDate(at, { zone: timezone }).startOf('day');
  // Last night's window may still be running this morning.
  for (const day of [today.minus({ days: 1 }), today]) {
    const window = windowStartingOn(day, start, end, timezone);
    if (window.start <= at && at < window.end) return window;
  }
  return null;
}

/** The last moment to send before a quiet window: its final minute is the latest a message reads as "before". */
const BEFORE_WINDOW_MS = 60_000;

/** When a message may go, and the quiet window that moved it (null when it did not fall in one). */
export interface QuietHoursPlacement {
  at: Date;
  shift: QuietHoursShift | null;
}

/**
 * When a message due at `due` may go, given quiet hours. Outside them: at `due`. Inside: at the end of the window; but
 * never at or after `notAfter` (a reminder's pickup): then in the last minute before the window starts, or now if that
 * minute is already running. Null when no moment between `now` and `notAfter` is allowed.
 */
export function placeOutsideQuietHours(due: Date, rules: SchedulingRules, options: { now: Date; notAfter?: Date }): QuietHoursPlacement | null {
  const window = quietWindowAt(due, rules);
  if (!window) return { at: due, shift: null };
  const shift = { due, window };
  if (!options.notAfter || window.end < options.notAfter) return { at: window.end, shift };
  const lastBefore = new Date(window.start.getTime() - BEFORE_WINDOW_MS);
  if (lastBefore >= options.now) return { at: lastBefore, shift };
  if (options.now < window.start) return { at: options.now, shift };
  return null;
}
