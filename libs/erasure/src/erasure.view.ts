import { z } from 'zod';
import { instantView } from '@herald/notifications';
import { ERASURE_STATUSES, ErasureEntity } from '@herald/persistence';

const EXAMPLE_ID = '7c1e5a3b-9d2f-4b6e-8a0c-3f5d7b9e1a2c';

const count = (description: string, example: number) => z.number().int().min(0).meta({ description, example });

export const erasureCountsView = z
  .object({
    cancelled: count('Notifications still pending, cancelled first (`cancelled`, `statusReason` `customer_erased`): never sent.', 1),
    notifications: count('Notifications whose recipient, text and provider error were blanked; their status, times and history stay.', 4),
    events: count('History events whose free text (a provider’s error, a bounce reason) was removed.', 1),
    optOuts: count('Opt-outs (STOP, unsubscribe) and your own consent withdrawals kept as a keyed hash of the contact: they still hold.', 1),
    idempotencyRecords: count('Stored answers of requests made with an Idempotency-Key that named the customer, blanked or dropped.', 2),
    deadLetters: count('Dead letters of its dead notifications, removed: an erased message cannot be sent again.', 0),
    exportFiles: count('Daily export files kept on disk (the `log` email driver’s) rewritten without the customer; rows and counts stay.', 1),
  })
  .meta({ description: 'What the erasure did, by kind; zero until it has done it.' });

export const erasureView = z
  .object({
    id: z.uuid().meta({ description: 'The erasure id: GET /v1/erasures/{id}.', example: EXAMPLE_ID }),
    customerId: z.uuid().meta({ description: 'The customer erased: its id stays on its orders and notifications.', example: '0b6f2d4e-7a1c-4e3b-9d5f-8c2a6e4b1f3d' }),
    status: z.enum(ERASURE_STATUSES).meta({
      description:
        '`requested` (a worker will take it up), `running`, `completed` (nothing of the customer’s personal data is left), or `failed` ' +
        '(it kept failing; DELETE the customer again to resume it).',
      example: 'completed',
    }),
    counts: erasureCountsView,
    requestedAt: instantView('When it was asked for', '2026-11-30T16:20:00.000Z'),
    completedAt: instantView('When it completed', '2026-11-30T16:20:02.000Z').nullable(),
  })
  .meta({ id: 'Erasure', description: 'The erasure of one customer’s personal data, and how far it has got.' });
export type ErasureView = z.infer<typeof erasureView>;

export const erasureAcceptedView = erasureView
  .extend({ erasureId: z.uuid().meta({ description: 'The same as `id`.', example: EXAMPLE_ID }) })
  .meta({ id: 'ErasureAccepted', description: 'The erasure asked for (or the one already asked for this customer): follow it with GET /v1/erasures/{id}.' });
export type ErasureAcceptedView = z.infer<typeof erasureAcceptedView>;

const COUNTS: (keyof ErasureView['counts'])[] = ['cancelled', 'notifications', 'events', 'optOuts', 'idempotencyRecords', 'deadLetters', 'exportFiles'];

export function toErasureView(erasure: ErasureEntity): ErasureView {
  return {
    id: erasure.id,
    customerId: erasure.customerId,
    status: erasure.status,
    counts: Object.fromEntries(COUNTS.map((kind) => [kind, erasure.counts[kind] ?? 0])) as ErasureView['counts'],
    requestedAt: new Date(erasure.requestedAt).toISOString(),
    completedAt: erasure.completedAt === null ? null : new Date(erasure.completedAt).toISOString(),
  };
}
