import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A merchant's own SMS number at each SMS provider that has one, by provider name. */
export type SmsSendersByProvider = Partial<Record<string, string>>;

@Entity('merchants')
export class MerchantEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  /** IANA time zone: the merchant's calendar for reminders, quiet hours and the times texts show. */
  @Column('text')
  timezone: string;

  /** The reminder policy of new orders: this lead time (ISO 8601), or `defaultReminderDaysBefore` at `defaultReminderAt`. */
  @Column('text', { name: 'default_reminder_before', nullable: true })
  defaultReminderBefore: string | null;

  @Column('int', { name: 'default_reminder_days_before', nullable: true })
  defaultReminderDaysBefore: number | null;

  /** Local `HH:MM`. */
  @Column('text', { name: 'default_reminder_at', nullable: true })
  defaultReminderAt: string | null;

  /** Language of customers who give none. */
  @Column('text', { name: 'default_locale' })
  defaultLocale: string;

  /** Local `HH:MM`; both or neither. */
  @Column('text', { name: 'quiet_hours_start', nullable: true })
  quietHoursStart: string | null;

  @Column('text', { name: 'quiet_hours_end', nullable: true })
  quietHoursEnd: string | null;

  /** The merchant's own SMS number (E.164), at every provider it has no other number at; null: the platform's numbers. */
  @Column('text', { name: 'sms_from', nullable: true })
  smsFrom: string | null;

  /** The merchant's own number at a given SMS provider (`{vonage: "+33…"}`), in place of `smsFrom` there. */
  @Column('jsonb', { name: 'sms_from_by_provider', default: () => `'{}'::jsonb` })
  smsFromByProvider: SmsSendersByProvider;

  /** The name emails show beside SENDGRID_FROM; null: the address alone. */
  @Column('text', { name: 'email_sender_name', nullable: true })
  emailSenderName: string | null;

  /** ISO 8601 duration: finished orders older than this (or MAX_RETENTION, if shorter) are purged. */
  @Column('text')
  retention: string;
  /** At most this many `bulk` campaign messages to one customer a local day; null: no cap. */
  @Column('int', { name: 'bulk_cap_per_day', nullable: true })
  bulkCapPerDay: number | null;

  /** At most this many a local ISO week (Monday to Sunday); null: no cap. */
  @Column('int', { name: 'bulk_cap_per_week', nullable: true })
  bulkCapPerWeek: number | null;

  /** Set while an operator has disabled the merchant: its keys are refused and its sends held until it is enabled. */
  @Column('timestamptz', { name: 'disabled_at', nullable: true })
  disabledAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
