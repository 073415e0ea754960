import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ExportSettingsEntity } from '../entities';

export type ExportSettingsInput = Pick<ExportSettingsEntity, 'enabled' | 'recipients' | 'localTime' | 'timezone'>;

/** A merchant's settings with the time zone its days are counted in (its own, or the merchant's). */
export type ScheduledExport = ExportSettingsEntity & { zone: string; merchantName: string };

const SETTINGS_COLUMNS = `s.merchant_id AS "merchantId", s.enabled, s.recipients, s.local_time AS "localTime", s.timezone,
  s.enabled_at AS "enabledAt", s.created_at AS "createdAt", s.updated_at AS "updatedAt",
  coalesce(s.timezone, m.timezone) AS zone, m.name AS "merchantName"`;

@Injectable()
export class ExportSettingsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async find(merchantId: string): Promise<ScheduledExport | null> {
    const rows: ScheduledExport[] = await this.db.query(
      `SELECT ${SETTINGS_COLUMNS} FROM export_settings s JOIN merchants m ON m.id = s.merchant_id WHERE s.merchant_id = $1`,
      [merchantId],
    );
    return rows[0] ?? null;
  }

  /**
   * Replaces the merchant's settings. `enabled_at` moves only when exports are switched on, so days that fell due
   * while they were off are never caught up.
   */
  async save(merchantId: string, input: ExportSettingsInput): Promise<ScheduledExport> {
    await this.db.query(
      `INSERT INTO export_settings (merchant_id, enabled, recipients, local_time, timezone, enabled_at)
       VALUES ($1, $2, $3, $4, $5, CASE WHEN $2 THEN now() END)
       ON CONFLICT (merchant_id) DO UPDATE SET
         enabled = EXCLUDED.enabled, recipients = EXCLUDED.recipients, local_time = EXCLUDED.local_time,
         timezone = EXCLUDED.timezone, updated_at = now(),
         enabled_at = CASE WHEN NOT EXCLUDED.enabled THEN NULL
                           WHEN export_settings.enabled THEN export_settings.enabled_at
                           ELSE now() END`,
      [merchantId, input.enabled, input.recipients, input.localTime, input.timezone],
    );
    return (await this.find(merchantId))!;
  }

  /** Every merchant whose daily export is switched on. */
  async findEnabled(): Promise<ScheduledExport[]> {
    return this.db.query(`SELECT ${SETTINGS_COLUMNS} FROM export_settings s JOIN merchants m ON m.id = s.merchant_id WHERE s.enabled`);
  }
}
