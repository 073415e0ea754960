import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An email address that one merchant must not mail any more: its customer unsubscribed, or the merchant said so. */
@Entity('email_opt_outs')
export class EmailOptOutEntity {
  @PrimaryColumn('uuid', { name: 'merchant_id' })
  merchantId: string;

  @PrimaryColumn('text')
  email: string;

  /** `unsubscribe` or `spamreport` (SendGrid events), or `merchant` (PATCH /v1/customers/:id). */
  @Column('text')
  source: string;

  @Column('timestamptz', { name: 'opted_out_at' })
  optedOutAt: Date;
}
