import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { NotificationStatus } from './notification.entity';

/**
 * A merchant's webhook: where its status changes are POSTed, signed with its secret. One per merchant. Its
 * `cursor_xid`/`cursor_id` columns (xid8, which TypeORM cannot map) say how far the dispatcher has read the events.
 */
@Entity('webhook_endpoints')
export class WebhookEndpointEntity {
  @PrimaryColumn('uuid', { name: 'merchant_id' })
  merchantId: string;

  @Column('text')
  url: string;

  /** Statuses to deliver; null for all. */
  @Column('text', { array: true, nullable: true })
  statuses: NotificationStatus[] | null;

  /** The signing secret, encrypted (see libs/webhooks, webhook-secret.ts). */
  @Column('bytea')
  secret: Buffer;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
