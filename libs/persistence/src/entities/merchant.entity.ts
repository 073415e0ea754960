import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('merchants')
export class MerchantEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text')
  timezone: string;

  @Column('text', { name: 'default_reminder_before' })
  defaultReminderBefore: string;

  /** SHA-256 of the API key; the key itself is shown once and never stored. */
  @Column('text', { name: 'api_key_hash', unique: true })
  apiKeyHash: string;

  @Column('text', { name: 'api_key_prefix' })
  apiKeyPrefix: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
