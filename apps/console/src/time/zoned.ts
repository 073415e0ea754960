/*
 * Calendar arithmetic in the merchant's time zone with Intl alone: what day and time an instant is there, and which
 * instant a wall-clock time there is. (Herald's server does the same with luxon; the console stays small.)
 */

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const partFormats = new Map<string, Intl.DateTimeFormat>();
function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = partFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    partFormats.set(timeZone, format);
  }
  return format;
}

/** The wall clock in `timeZone` at `instant`. */
export function wallClockAt(instant: Date, timeZone: string): WallClock & { second: number } {
  const parts = Object.fromEntries(partsFormat(timeZone).formatToParts(instant).map(({ type, value }) => [type, Number(value)]));
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second };
}

/** Minutes `timeZone` is ahead of UTC at `instant`. */
function offsetMinutes(instant: Date, timeZone: string): number {
  const wall = wallClockAt(instant, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant the wall clock in `timeZone` reads `wall`. A time the clock skips (DST spring-forward) is read as far past
 * the jump as it was asked past the hour (02:30 → 03:30); a time read twice is its first reading.
 */
export function instantAt(wall: WallClock, timeZone: string): Date {
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const before = offsetMinutes(new Date(naive - 12 * 3600_000), timeZone);
  const after = offsetMinutes(new Date(naive + 12 * 3600_000), timeZone);
  for (const offset of before === after ? [before] : [before, after]) {
    const candidate = new Date(naive - offset * 60_000);
    const read = wallClockAt(candidate, timeZone);
    if (read.hour === wall.hour && read.minute === wall.minute && read.day === wall.day) return candidate;
  }
  return new Date(naive - before * 60_000);
}

/** The start of the day `days` after `instant`'s day in `timeZone` (0: today's midnight there). */
export function startOfDay(instant: Date, timeZone: string, days = 0): Date {
  const wall = wallClockAt(instant, timeZone);
  const date = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
  return instantAt({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: 0, minute: 0 }, timeZone);
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** The value of an `<input type="datetime-local">` showing `instant` in `timeZone`. */
export function toLocalInput(instant: Date, timeZone: string): string {
  const wall = wallClockAt(instant, timeZone);
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}`;
}

/** The instant an `<input type="datetime-local">` value means in `timeZone`; null when it is not a full date and time. */
export function fromLocalInput(value: string, timeZone: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number);
  return instantAt({ year, month, day, hour, minute }, timeZone);
}
