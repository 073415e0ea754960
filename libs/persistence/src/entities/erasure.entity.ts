import { Column, Entity, PrimaryColumn } from 'typeorm';

export const ERASURE_STATUSES = ['requested', 'running', 'completed', 'failed'] as const;
export type ErasureStatus = (typeof ERASURE_STATUSES)[number];

/** What one erasure blanked, hashed, cancelled or rewrote, by kind. */
export interface ErasureCounts {
  /** Notifications still pending, cancelled before anything was erased. */
  cancelled: number;
  /** Notifications whose recipient, text and provider error were blanked. */
  notifications: number;
  /** History events whose free-text detail (a provider's error, a bounce reason) was removed. */
  events: number;
  /** Opt-outs and consent withdrawals kept as a keyed hash of the contact. */
  optOuts: number;
  /** Stored answers of idempotent requests with the customer in them. */
  idempotencyRecords: number;
  /** Dead letters of the customer's dead notifications, removed so that no one redrives them. */
  deadLetters: number;
  /** Export files kept on disk (the log driver's) rewritten without the customer. */
  exportFiles: number;
}

/** A merchant's request to erase one customer's personal data, and how far the work has got. */
@Entity('erasures')
export class ErasureEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'merchant_id' })
  merchantId: string;

  @Column('uuid', { name: 'customer_id' })
  customerId: string;

  /** Asked for with a test key, of a test customer: the test world's, which live keys never see (and the other way round). */
  @Column('boolean')
  test: boolean;

  @Column('text')
  status: ErasureStatus;

  @Column('jsonb')
  counts: Partial<ErasureCounts>;

  /** When the Postgres part committed; the rest (dead letters, files) is redone until the erasure completes. */
  @Column('timestamptz', { name: 'scrubbed_at', nullable: true })
  scrubbedAt: Date | null;

  @Column('text', { name: 'error_code', nullable: true })
  errorCode: string | null;

  @Column('timestamptz', { name: 'requested_at' })
  requestedAt: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { name: 'completed_at', nullable: true })
  completedAt: Date | null;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
