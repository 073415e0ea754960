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

  @Column('text', { name: 'reminder_before' })
  reminderBefore: string;

  @Column('text', { array: true })
  channels: Channel[];

  @Column('text')
  status: OrderStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
