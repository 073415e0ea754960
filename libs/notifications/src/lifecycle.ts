import type { NotificationStatus } from '@herald/persistence';
import { PLAN_SKIP_REASONS } from '@herald/scheduling';

/** Waiting for its time or for a worker: may still be moved or cancelled. */
export const PENDING_STATUSES: readonly NotificationStatus[] = ['scheduled', 'queued'];

/** Nothing will ever be sent for these again (short of an operator's redrive of a dead one). */
export const FINAL_STATUSES: readonly NotificationStatus[] = ['sent', 'delivered', 'undelivered', 'cancelled', 'skipped', 'dead'];

/** Why a notification was skipped; stable strings shown to merchants. The scheduling rules' own come first. */
export const SKIP_REASONS = {
  ...PLAN_SKIP_REASONS,
  pickupPassed: 'pickup_passed',
  optedOut: 'opted_out',
} as const;

/** The reason of a notification cancelled because its customer's personal data was erased (DELETE /v1/customers/:id). */
export const CUSTOMER_ERASED = 'customer_erased';

/** What an erasure leaves as a notification's recipient: nothing can ever be sent for it again. */
export const ERASED_RECIPIENT = '';

export const isPending = (status: NotificationStatus) => PENDING_STATUSES.includes(status);
export const isFinal = (status: NotificationStatus) => FINAL_STATUSES.includes(status);
