import type { ErrorCode, NotFoundSubject } from './error-codes';

/** Failure kinds the HTTP layer maps to status codes; the code string is the stable contract. */
export type ErrorKind = 'invalid' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'unprocessable' | 'rate_limited' | 'unavailable';

/**
 * A failure a client can act on. `code` is stable and documented; `message` is for humans and may change.
 */
export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: NotFoundSubject) => new DomainError('not_found', `${what}_not_found`, `${what.replace(/_/g, ' ')} not found`);
