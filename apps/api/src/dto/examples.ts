import { DateTime } from 'luxon';

/** The zone the documented examples speak in: a French bakery's, like the README's walk-through. */
const EXAMPLE_ZONE = 'Europe/Paris';

/**
 * An instant for a documented example, `daysAhead` days after the API started, at `hour`:00 in Paris, written with
 * its offset. Example requests must be ones the API accepts, and a fixed date would fall into the past (or beyond
 * MAX_SCHEDULE_AHEAD) some day: a week ahead stays valid for a week of uptime. The document is built at boot.
 */
export function exampleInstant(daysAhead: number, hour: number): string {
  return DateTime.now()
    .setZone(EXAMPLE_ZONE)
    .plus({ days: daysAhead })
    .set({ hour, minute: 0, second: 0, millisecond: 0 })
    .toISO({ suppressMilliseconds: true })!;
}
