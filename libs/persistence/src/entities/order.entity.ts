import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { Channel } from './notification.entity';

export type OrderStatus = 'active' | 'cancelled';

@Entity('orders')
export class OrderEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'merchant_id' })
  merchantId: string;

  @Column('uuid', { name: 'customer_id' })
  customerId: string;

  @Column('text')
  reference: string;

  @Column('timestamptz', { name: 'pickup_at' })
  pickupAt: Date;

  /** The reminder policy the order was planned with: this lead time (ISO 8601), or `reminderDaysBefore` at `reminderAt`. */
  @Column('text', { name: 'reminder_before', nullable: true })
  reminderBefore: string | null;

  @Column('int', { name: 'reminder_days_before', nullable: true })
  reminderDaysBefore: number | null;

  /** Local `HH:MM`. */
  @Column('text', { name: 'reminder_at', nullable: true })
  reminderAt: string | null;

  @Column('text', { array: true })
  channels: Channel[];

  @Column('text')
  status: OrderStatus;

  /** Made with a test key: it belongs to the test world, which live keys never see (and the other way round). */
  @Column('boolean')
  test: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
