import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { IdempotencyKeyEntity } from '../entities';

export type IdempotencyClaim =
  | { outcome: 'claimed' }
  | { outcome: 'in_progress'; requestHash: string }
  | { outcome: 'completed'; requestHash: string; responseStatus: number; responseBody: unknown };

/** Keys older than this are forgotten: the same key may then start a new request. */
const KEY_TTL = '24 hours';

@Injectable()
export class IdempotencyRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Atomically claims the key for this request, or reports what the first request with it did. */
  async claim(scope: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    const inserted: unknown[] = await this.db.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash) VALUES ($1, $2, $3)
       ON CONFLICT (scope, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, response_status = NULL, response_body = NULL, created_at = now()
         WHERE idempotency_keys.created_at < now() - interval '${KEY_TTL}'
       RETURNING 1`,
      [scope, key, requestHash],
    );
    if (inserted.length) return { outcome: 'claimed' };
    const existing = await this.db.getRepository(IdempotencyKeyEntity).findOneByOrFail({ scope, key });
    if (existing.responseStatus === null) return { outcome: 'in_progress', requestHash: existing.requestHash };
    return {
      outcome: 'completed',
      requestHash: existing.requestHash,
      responseStatus: existing.responseStatus,
      responseBody: existing.responseBody,
    };
  }

  /** Records the answer to replay: its status and its body as JSON text (`null` for none). */
  async complete(scope: string, key: string, responseStatus: number, responseJson: string): Promise<void> {
    await this.db.query(
      `UPDATE idempotency_keys SET response_status = $3, response_body = $4::jsonb WHERE scope = $1 AND key = $2`,
      [scope, key, responseStatus, responseJson],
    );
  }

  /** The request failed before producing a response worth replaying: let a retry with the same key run again. */
  async release(scope: string, key: string): Promise<void> {
    await this.db.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND response_status IS NULL`, [scope, key]);
  }
}
