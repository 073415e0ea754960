import type { MinimalJob } from 'bullmq';
import { HERALD_BACKOFF, retryDelayMs, SEND_RETRY_CAP_MS, WEBHOOK_BACKOFF, WEBHOOK_RETRY_CAP_MS } from './retry-policy';

const CAP_OF: Record<string, number> = { [HERALD_BACKOFF]: SEND_RETRY_CAP_MS, [WEBHOOK_BACKOFF]: WEBHOOK_RETRY_CAP_MS };

/**
 * Worker setting: Herald's exponential backoff with jitter, honouring a Retry-After (a provider's, or a merchant
 * endpoint's) carried on the error.
 */
export function heraldBackoffStrategy(attemptsMade: number, type?: string, error?: Error, job?: MinimalJob): number {
  const capMs = type === undefined ? undefined : CAP_OF[type];
  if (capMs === undefined) return 0;
  const base = typeof job?.opts.backoff === 'object' && job.opts.backoff.delay ? job.opts.backoff.delay : 1000;
  return retryDelayMs(attemptsMade, base, (error as { retryAfterMs?: number } | undefined)?.retryAfterMs, Math.random, capMs);
}
