import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { NotificationStatus } from './notification.entity';

/**
 * Append-only history of a notification: one row per status change, never updated or deleted. Its `order_xid` column
 * (xid8, which TypeORM cannot map) orders the merchant's feed: see the LiveEvents migration and EventLogRepository.
 */
@Entity('notification_events')
export class NotificationEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column('uuid', { name: 'notification_id' })
  notificationId: string;

  /** The notification's merchant, so a merchant's feed is one index range. */
  @Column('uuid', { name: 'merchant_id' })
  merchantId: string;

  @Column('text')
  status: NotificationStatus;

  @Column('timestamptz')
  at: Date;

  @Column('jsonb', { nullable: true })
  detail: Record<string, unknown> | null;
}
