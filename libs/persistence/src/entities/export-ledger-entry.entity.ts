import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** `daily`: the automatic export, one per merchant-local day. `resend`: one a merchant asked for. */
export type ExportKind = 'daily' | 'resend';
export const EXPORT_STATES = ['pending', 'claimed', 'sending', 'sent', 'failed'] as const;
export type ExportState = (typeof EXPORT_STATES)[number];

/** One export of one day's file: who holds it, and how it ended. */
@Entity('export_ledger')
export class ExportLedgerEntryEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'merchant_id' })
  merchantId: string;

  /** Merchant-local calendar day, `YYYY-MM-DD`. */
  @Column('date')
  day: string;

  @Column('text')
  kind: ExportKind;

  @Column('text')
  state: ExportState;

  @Column('text', { array: true })
  recipients: string[];

  @Column('int')
  attempts: number;

  @Column('timestamptz', { name: 'retry_at', nullable: true })
  retryAt: Date | null;

  @Column('uuid', { name: 'claim_id', nullable: true })
  claimId: string | null;

  @Column('text', { name: 'claimed_by', nullable: true })
  claimedBy: string | null;

  @Column('timestamptz', { name: 'claimed_at', nullable: true })
  claimedAt: Date | null;

  @Column('timestamptz', { name: 'lease_until', nullable: true })
  leaseUntil: Date | null;

  @Column('boolean', { name: 'possible_duplicate' })
  possibleDuplicate: boolean;

  @Column('int', { name: 'order_count', nullable: true })
  orderCount: number | null;

  @Column('text', { name: 'file_name', nullable: true })
  fileName: string | null;

  @Column('int', { name: 'file_bytes', nullable: true })
  fileBytes: number | null;

  @Column('text', { nullable: true })
  provider: string | null;

  @Column('text', { name: 'message_id', nullable: true })
  messageId: string | null;

  @Column('timestamptz', { name: 'sent_at', nullable: true })
  sentAt: Date | null;

  @Column('text', { name: 'error_code', nullable: true })
  errorCode: string | null;

  @Column('text', { nullable: true })
  error: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
