/**
 * How long to wait before retry number `attemptsMade` (1-based): exponential from `baseMs`, with "equal jitter"
 * (half fixed, half random) so a burst of failures does not come back as a burst. A provider's Retry-After wins
 * when it asks for longer.
 */
export function retryDelayMs(attemptsMade: number, baseMs: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const exponential = baseMs * 2 ** Math.max(0, attemptsMade - 1);
  const capped = Math.min(exponential, 15 * 60_000);
  const jittered = Math.round(capped / 2 + (random() * capped) / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}

export const HERALD_BACKOFF = 'herald';
