/**
 * How long to wait before retry number `attemptsMade` (1-based): exponential from `baseMs`, with "equal jitter"
 * (half fixed, half random) so a burst of failures does not come back as a burst. A provider's Retry-After wins
 * when it asks for longer.
 */
export function retryDelayMs(
  attemptsMade: number,
  baseMs: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
  capMs = SEND_RETRY_CAP_MS,
): number {
  const exponential = baseMs * 2 ** Math.max(0, attemptsMade - 1);
  const capped = Math.min(exponential, capMs);
  const jittered = Math.round(capped / 2 + (random() * capped) / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}

export const HERALD_BACKOFF = 'herald';

/** A send waits at most this long between tries. */
export const SEND_RETRY_CAP_MS = 15 * 60_000;

/**
 * Webhook deliveries back off to hours between tries: with the defaults (30 s doubling, 16 attempts) a dead endpoint
 * is tried for about a day (14 to 28 hours with the jitter) before its delivery is dead-lettered.
 */
export const WEBHOOK_BACKOFF = 'herald-webhook';
export const WEBHOOK_RETRY_CAP_MS = 4 * 3600_000;
