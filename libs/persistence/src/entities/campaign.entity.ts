import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A message to many of a merchant's customers; its sends are notifications of kind `campaign`. */
@Entity('campaigns')
export class CampaignEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'merchant_id' })
  merchantId: string;

  @Column('text')
  name: string;

  /** Email only. */
  @Column('text', { nullable: true })
  subject: string | null;

  /** The text as given; null: the merchant's `campaign` template, rendered per customer at send time. */
  @Column('text', { nullable: true })
  body: string | null;

  /** Forces a language on every send; null: each customer's own. */
  @Column('text', { nullable: true })
  locale: string | null;

  /** The audience; null: every customer of the merchant. */
  @Column('uuid', { name: 'customer_ids', array: true, nullable: true })
  customerIds: string[] | null;

  @Column('timestamptz', { name: 'send_at', nullable: true })
  sendAt: Date | null;

  /** `sendAt` (or the creation time) moved out of the merchant's quiet hours. */
  @Column('timestamptz', { name: 'scheduled_for' })
  scheduledFor: Date;

  /** The last customer the fan-out resolved: a retried or taken-over fan-out goes on after it. */
  @Column('uuid', { name: 'fanout_cursor', nullable: true })
  fanoutCursor: string | null;

  @Column('timestamptz', { name: 'fanned_out_at', nullable: true })
  fannedOutAt: Date | null;

  /** Customers who got no send, by reason (`opted_out`, `no_contact`). */
  @Column('jsonb')
  skipped: Record<string, number>;

  @Column('timestamptz', { name: 'cancelled_at', nullable: true })
  cancelledAt: Date | null;

  /** Made with a test key: it belongs to the test world, which live keys never see (and the other way round). */
  @Column('boolean')
  test: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
