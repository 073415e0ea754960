import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { Channel } from './notification.entity';

export type MessageTemplateKind = 'confirmation' | 'reminder' | 'reminder_moved' | 'campaign';

/** A merchant's own text for a kind of message in one language, for one channel or (channel null) for both. */
@Entity('message_templates')
export class MessageTemplateEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'merchant_id' })
  merchantId: string;

  @Column('text')
  kind: MessageTemplateKind;

  /** Canonical BCP 47 tag (`fr`, `fr-CA`, `ar`). */
  @Column('text')
  locale: string;

  @Column('text', { nullable: true })
  channel: Channel | null;

  /** Email only; a template itself. */
  @Column('text', { nullable: true })
  subject: string | null;

  @Column('text')
  body: string;

  /**
   * WhatsApp only: the Twilio Content template (`HX` and 32 hex digits) approved by WhatsApp that a message outside the
   * customer's 24-hour session window goes as; `body` is the free-form text used within it.
   */
  @Column('text', { name: 'content_sid', nullable: true })
  contentSid: string | null;

  /** With `contentSid`: the variables whose values fill the template's `{{1}}`, `{{2}}`…, in that order. */
  @Column('text', { name: 'content_variables', array: true, nullable: true })
  contentVariables: string[] | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
