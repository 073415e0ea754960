import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A phone number that asked one sender to stop texting it (STOP keyword, or the provider said so): it holds for every
 * merchant sending from that number, as carriers apply it. A merchant's own withdrawal is a ConsentWithdrawalEntity.
 */
@Entity('opt_outs')
export class OptOutEntity {
  @PrimaryColumn('text')
  sender: string;

  @PrimaryColumn('text')
  phone: string;

  /** `keyword` (the customer texted STOP) or `provider` (e.g. Twilio 21610); `merchant` on rows older than consent_withdrawals that no merchant could be found for. */
  @Column('text')
  source: string;

  @Column('timestamptz', { name: 'opted_out_at' })
  optedOutAt: Date;
}
