import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { NotificationStatus } from './notification.entity';

/** Append-only history of a notification: one row per status change, never updated or deleted. */
@Entity('notification_events')
export class NotificationEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column('uuid', { name: 'notification_id' })
  notificationId: string;

  @Column('text')
  status: NotificationStatus;

  @Column('timestamptz')
  at: Date;

  @Column('jsonb', { nullable: true })
  detail: Record<string, unknown> | null;
}
