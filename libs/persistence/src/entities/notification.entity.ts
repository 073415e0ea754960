import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const NOTIFICATION_STATUSES = [
  'scheduled',
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'cancelled',
  'skipped',
  'dead',
] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];
export type NotificationKind = 'confirmation' | 'reminder' | 'message' | 'campaign';
export const CHANNELS = ['sms', 'email', 'whatsapp'] as const;
export type Channel = (typeof CHANNELS)[number];
/** The customer's contact a channel goes to: SMS and WhatsApp to its phone number, email to its address. */
export const contactFieldOf = (channel: Channel): 'phone' | 'email' => (channel === 'email' ? 'email' : 'phone');
export type Priority = 'critical' | 'bulk';

@Entity('notifications')
export class NotificationEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'merchant_id' })
  merchantId: string;

  @Column('uuid', { name: 'order_id', nullable: true })
  orderId: string | null;

  @Column('text')
  kind: NotificationKind;

  @Column('text')
  channel: Channel;

  @Column('text')
  priority: Priority;

  /** E.164 phone number or email address. */
  @Column('text')
  recipient: string;

  @Column('text')
  locale: string;

  /** Email only. */
  @Column('text', { nullable: true })
  subject: string | null;

  /** Set when the merchant supplies the text; otherwise rendered from the kind's template at send time. */
  @Column('text', { nullable: true })
  body: string | null;

  @Column('text')
  status: NotificationStatus;

  @Column('text', { name: 'status_reason', nullable: true })
  statusReason: string | null;

  @Column('timestamptz', { name: 'scheduled_for' })
  scheduledFor: Date;

  @Column('int')
  attempts: number;

  @Column('text', { nullable: true })
  provider: string | null;

  @Column('text', { name: 'provider_message_id', nullable: true })
  providerMessageId: string | null;

  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;

  @Column('text', { name: 'last_error_code', nullable: true })
  lastErrorCode: string | null;

  @Column('timestamptz', { name: 'sent_at', nullable: true })
  sentAt: Date | null;

  /** SMS only, once sent: `GSM-7` or `UCS-2`, and the segments the text travelled in. */
  @Column('text', { nullable: true })
  encoding: 'GSM-7' | 'UCS-2' | null;

  @Column('int', { nullable: true })
  segments: number | null;

  /** On a reminder planned because the pickup moved after the reminder before it went out: that reminder. */
  @Column('uuid', { name: 'previous_reminder_id', nullable: true })
  previousReminderId: string | null;

  /** Who it is for, when Herald knows the customer (an order's, a campaign's). */
  @Column('uuid', { name: 'customer_id', nullable: true })
  customerId: string | null;

  @Column('uuid', { name: 'campaign_id', nullable: true })
  campaignId: string | null;

  /** On a fallback: the notification that failed for good on the customer's other channel. */
  @Column('uuid', { name: 'fallback_for_id', nullable: true })
  fallbackForId: string | null;

  /**
   * Made with a test key (or for a test order, campaign or customer): its send goes to the log driver, never to a
   * provider, and it counts in no campaign, export or metric of live sends.
   */
  @Column('boolean')
  test: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
