/** A send that failed; `final` means no retry will follow (the notification is dead and dead-lettered). */
export class DeliveryFailure extends Error {
  constructor(
    readonly final: boolean,
    readonly code: string | null,
    message: string,
    /** The provider's Retry-After, read by the backoff strategy. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryFailure';
  }
}
