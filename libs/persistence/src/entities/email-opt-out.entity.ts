import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An email address that one merchant must not mail any more: its customer unsubscribed from that merchant's mail. */
@Entity('email_opt_outs')
export class EmailOptOutEntity {
  @PrimaryColumn('uuid', { name: 'merchant_id' })
  merchantId: string;

  @PrimaryColumn('text')
  email: string;

  /** `unsubscribe` or `spamreport` (SendGrid events). */
  @Column('text')
  source: string;

  @Column('timestamptz', { name: 'opted_out_at' })
  optedOutAt: Date;
}
