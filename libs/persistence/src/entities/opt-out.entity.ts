import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A phone number that asked one sender to stop texting it (STOP keyword, or the provider said so). */
@Entity('opt_outs')
export class OptOutEntity {
  @PrimaryColumn('text')
  sender: string;

  @PrimaryColumn('text')
  phone: string;

  /** `keyword` (the customer texted STOP) or `provider` (e.g. Twilio 21610). */
  @Column('text')
  source: string;

  @Column('timestamptz', { name: 'opted_out_at' })
  optedOutAt: Date;
}
