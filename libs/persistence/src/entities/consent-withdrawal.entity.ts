import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A merchant's own withdrawal of its customer's consent to one channel (PATCH /v1/customers/:id): that merchant's alone. */
@Entity('consent_withdrawals')
export class ConsentWithdrawalEntity {
  @PrimaryColumn('uuid', { name: 'merchant_id' })
  merchantId: string;

  /** `sms` or `email`. */
  @PrimaryColumn('text')
  channel: string;

  /** The phone number, or the email address in lower case. */
  @PrimaryColumn('text')
  contact: string;

  @Column('timestamptz', { name: 'withdrawn_at' })
  withdrawnAt: Date;
}
