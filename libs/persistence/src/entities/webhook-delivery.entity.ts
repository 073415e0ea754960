import { Column, Entity, PrimaryColumn } from 'typeorm';

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'dead', 'cancelled'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** One HTTP attempt at delivering an event to the merchant's endpoint. */
export interface WebhookAttempt {
  at: string;
  url: string;
  durationMs: number;
  statusCode?: number;
  error?: string;
}

/** One event on its way to the merchant's webhook: created once per event, attempted until delivered or dead. */
@Entity('webhook_deliveries')
export class WebhookDeliveryEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'merchant_id' })
  merchantId: string;

  @Column('bigint', { name: 'event_id' })
  eventId: string;

  @Column('text')
  status: WebhookDeliveryStatus;

  @Column('jsonb')
  attempts: WebhookAttempt[];

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
