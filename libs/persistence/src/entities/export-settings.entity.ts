import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A merchant's daily export: who gets it and at what local time. */
@Entity('export_settings')
export class ExportSettingsEntity {
  @PrimaryColumn('uuid', { name: 'merchant_id' })
  merchantId: string;

  @Column('boolean')
  enabled: boolean;

  @Column('text', { array: true })
  recipients: string[];

  /** `HH:MM`, merchant-local: the previous day's file goes at this time. */
  @Column('text', { name: 'local_time' })
  localTime: string;

  /** Null: the merchant's own time zone. */
  @Column('text', { nullable: true })
  timezone: string | null;

  /** When automatic exports were last switched on; days that fell due before are not caught up. */
  @Column('timestamptz', { name: 'enabled_at', nullable: true })
  enabledAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
