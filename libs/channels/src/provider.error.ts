export type FailureKind = 'transient' | 'permanent';

/**
 * A provider refused or failed a send, classified once, at the adapter: transient failures are retried with backoff
 * (no sooner than `retryAfterMs` when the provider said so); permanent ones go straight to the dead-letter queue.
 */
export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    readonly kind: FailureKind,
    readonly code: string | null,
    message: string,
    readonly retryAfterMs?: number,
    /**
     * The request may have reached the provider before the answer was lost (a timeout, a connection cut after sending):
     * the provider may have the message. Never sent elsewhere before the provider says it does not.
     */
    readonly ambiguous = false,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds from now. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(String(value));
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Twilio's "the recipient has unsubscribed from this sender" (they texted STOP at Twilio's level). */
export const RECIPIENT_UNSUBSCRIBED_CODE = '21610';

const TRANSIENT_HTTP = new Set([408, 425, 429]);

/** HTTP statuses worth retrying: timeouts, throttling and server-side failures. No status means a network error. */
export function isTransientStatus(status: number | undefined): boolean {
  return status === undefined || TRANSIENT_HTTP.has(status) || status >= 500;
}

/** Transport errors (undici's, Node's) where the request may have been received before the answer was lost. */
const AMBIGUOUS_NETWORK_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED']);

/** Whether a network error (no HTTP answer) leaves it unknown if the provider took the request: a timeout, a cut connection. */
export function isAmbiguousNetworkError(error: unknown): boolean {
  const failure = error as { name?: string; code?: unknown; cause?: { code?: unknown } } | null;
  if (!failure) return false;
  if (failure.name === 'AbortError' || failure.name === 'TimeoutError') return true;
  return AMBIGUOUS_NETWORK_CODES.has(String(failure.code ?? '')) || AMBIGUOUS_NETWORK_CODES.has(String(failure.cause?.code ?? ''));
}
