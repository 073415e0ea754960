import { DateTime, Duration } from 'luxon';
import { RETENTION_LIMITS } from '@herald/config';

/**
 * The merchant's `retention` setting: how long its finished orders are kept before libs/retention purges them. An ISO
 * 8601 duration counted back on the UTC calendar (P3Y is three calendar years, P1M a calendar month), between
 * RETENTION_LIMITS, and never applied longer than the operator's MAX_RETENTION.
 */

/** What a merchant keeps until it says otherwise. */
export const DEFAULT_RETENTION = 'P90D';

/** Why a retention cannot be set: shorter or longer than RETENTION_LIMITS, or longer than MAX_RETENTION. */
export type RetentionProblem = 'too_short' | 'too_long' | 'above_maximum';

/** The start of what `retention` keeps at `now`; null when no calendar reaches that far back (P1e9Y). */
export function keptSince(retention: string, now: Date): Date | null {
  const duration = Duration.fromISO(retention);
  if (!duration.isValid) return null;
  const since = DateTime.fromJSDate(now, { zone: 'utc' }).minus(duration);
  return since.isValid && Math.abs(since.year) < 10_000 ? since.toJSDate() : null;
}

/** What is wrong with `retention` (a positive ISO 8601 duration) under the operator's longest, `max`; null if nothing. */
export function retentionProblem(retention: string, max: string, now: Date): RetentionProblem | null {
  const since = keptSince(retention, now)?.getTime() ?? -Infinity;
  if (since > keptSince(RETENTION_LIMITS.shortest, now)!.getTime()) return 'too_short';
  if (since < keptSince(RETENTION_LIMITS.longest, now)!.getTime()) return 'too_long';
  if (since < keptSince(max, now)!.getTime()) return 'above_maximum';
  return null;
}

/** The retention the purge applies: the merchant's, or `max` when that is shorter (MAX_RETENTION lowered since). */
export function effectiveRetention(retention: string, max: string, now: Date): string {
  const since = keptSince(retention, now);
  return since && since >= keptSince(max, now)! ? retention : max;
}

/** Orders picked up and created before this instant are past the merchant's retention at `now`. */
export function purgeCutoff(retention: string, max: string, now: Date): Date {
  return keptSince(effectiveRetention(retention, max, now), now)!;
}
