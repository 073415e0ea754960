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

/**
 * Permanent refusals that are the provider account's, not the message's or the recipient's: credentials refused (HTTP
 * 401 or 403, Twilio 20003, Vonage 4), an account barred, out of credit or not enabled (Vonage 8, 9, 11), a sender the
 * account may not use (Twilio 21606, Vonage 15), a region it may not send to (Twilio 21408), a signing setting (Vonage
 * 14, 32). Another provider may well send the message.
 */
const ACCOUNT_FAILURE_CODES = new Set(['http_401', 'http_403', '20003', '21606', '21408', 'vonage_4', 'vonage_8', 'vonage_9', 'vonage_11', 'vonage_14', 'vonage_15', 'vonage_32']);

export function isAccountFailure(error: ProviderError): boolean {
  return error.kind === 'permanent' && ACCOUNT_FAILURE_CODES.has(error.code ?? '');
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
