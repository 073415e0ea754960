import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

@Injectable()
export class OptOutRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Returns true if this changed anything (a repeated STOP is not news). */
  async optOut(sender: string, phone: string, source: 'keyword' | 'provider' | 'merchant'): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `INSERT INTO opt_outs (sender, phone, source) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1`,
      [sender, phone, source],
    );
    return rows.length > 0;
  }

  async optIn(sender: string, phone: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`DELETE FROM opt_outs WHERE sender = $1 AND phone = $2 RETURNING 1`, [sender, phone]);
    return rows.length > 0;
  }

  /** Withdraws only an opt-out the merchant made: one the customer asked for (STOP) is undone by the customer (START). */
  async optInByMerchant(sender: string, phone: string): Promise<boolean> {
    const [{ deleted }]: { deleted: number }[] = await this.db.query(
      `WITH gone AS (DELETE FROM opt_outs WHERE sender = $1 AND phone = $2 AND source = 'merchant' RETURNING 1) SELECT count(*)::int AS deleted FROM gone`,
      [sender, phone],
    );
    return deleted > 0;
  }
}
