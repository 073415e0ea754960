import type { MinimalJob } from 'bullmq';
import { HERALD_BACKOFF, retryDelayMs } from './retry-policy';

/** Worker setting: Herald's exponential backoff with jitter, honouring a provider's Retry-After carried on the error. */
export function heraldBackoffStrategy(attemptsMade: number, type?: string, error?: Error, job?: MinimalJob): number {
  if (type !== HERALD_BACKOFF) return 0;
  const base = typeof job?.opts.backoff === 'object' && job.opts.backoff.delay ? job.opts.backoff.delay : 1000;
  return retryDelayMs(attemptsMade, base, (error as { retryAfterMs?: number } | undefined)?.retryAfterMs);
}
