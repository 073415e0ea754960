/** A send that failed and will be retried (with backoff, no sooner than the provider's Retry-After). */
export class DeliveryFailure extends Error {
  constructor(
    readonly code: string | null,
    message: string,
    /** The provider's Retry-After, read by the backoff strategy. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryFailure';
  }
}
