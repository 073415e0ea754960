import { Duration, IANAZone } from 'luxon';

/** The IANA name of a zone as Intl spells it (`europe/paris` → `Europe/Paris`), or null for a zone it does not know. */
export function canonicalTimeZone(zone: string): string | null {
  if (!IANAZone.isValidZone(zone)) return null;
  return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
}

/** A lead time: an ISO 8601 duration longer than zero (`P1D`, `PT2H`, `PT5S`). */
export function isPositiveIsoDuration(text: string): boolean {
  const duration = Duration.fromISO(text);
  return duration.isValid && duration.toMillis() > 0;
}
