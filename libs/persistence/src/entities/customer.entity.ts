import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { Channel } from './notification.entity';

@Entity('customers')
export class CustomerEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'merchant_id' })
  merchantId: string;

  @Column('text', { nullable: true })
  name: string | null;

  @Column('text', { nullable: true })
  phone: string | null;

  @Column('text', { nullable: true })
  email: string | null;

  @Column('text')
  locale: string;

  /** The channel messages go on when an order names none, and the one a campaign tries first; null: SMS if known. */
  @Column('text', { name: 'preferred_channel', nullable: true })
  preferredChannel: Channel | null;

  /** Made with a test key: it belongs to the test world, which live keys never see (and the other way round). */
  @Column('boolean')
  test: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Set when the merchant asked for the customer's erasure: its name and contacts are (or are about to be) blanked. */
  @Column('timestamptz', { name: 'erased_at', nullable: true })
  erasedAt: Date | null;
}
