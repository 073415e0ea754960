import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiKeyEntity, MerchantEntity } from '../entities';

export type NewApiKey = Omit<ApiKeyEntity, 'createdAt' | 'lastUsedAt'>;

/** A key that authenticated, with the merchant it acts for. */
export type AuthenticatedKey = ApiKeyEntity & { merchant: MerchantEntity };

@Injectable()
export class ApiKeyRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Writes the key unless its merchant already holds `max`: null then. Creations for one merchant wait for each other
   * on its row, so concurrent requests cannot pass the count together.
   */
  async createWithin(key: NewApiKey, max: number): Promise<ApiKeyEntity | null> {
    return this.db.transaction(async (manager) => {
      await manager.query(`SELECT 1 FROM merchants WHERE id = $1 FOR UPDATE`, [key.merchantId]);
      if ((await manager.getRepository(ApiKeyEntity).countBy({ merchantId: key.merchantId })) >= max) return null;
      return manager.getRepository(ApiKeyEntity).save(manager.getRepository(ApiKeyEntity).create(key));
    });
  }

  /** The key with this hash and its merchant, in one indexed read. */
  async findByHash(keyHash: string): Promise<AuthenticatedKey | null> {
    return this.findWithMerchant('key.key_hash = :keyHash', { keyHash });
  }

  /** The merchant's key with this id (a stream token names the key that issued it), with the merchant; null once revoked. */
  async findForMerchant(merchantId: string, id: string): Promise<AuthenticatedKey | null> {
    return this.findWithMerchant('key.id = :id AND key.merchant_id = :merchantId', { id, merchantId });
  }

  /**
   * How these keys stand now: each one not revoked, and whether its merchant is disabled. A key revoked is absent.
   * One read for all the keys of an API instance's open streams.
   */
  async standing(ids: string[]): Promise<Map<string, { merchantDisabled: boolean }>> {
    if (!ids.length) return new Map();
    const rows: { id: string; merchantDisabled: boolean }[] = await this.db.query(
      `SELECT k.id, m.disabled_at IS NOT NULL AS "merchantDisabled" FROM api_keys k JOIN merchants m ON m.id = k.merchant_id WHERE k.id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, { merchantDisabled: row.merchantDisabled }]));
  }

  private async findWithMerchant(where: string, params: Record<string, string>): Promise<AuthenticatedKey | null> {
    const found = await this.db
      .getRepository(ApiKeyEntity)
      .createQueryBuilder('key')
      .innerJoinAndMapOne('key.merchant', MerchantEntity, 'merchant', 'merchant.id = key.merchant_id')
      .where(where, params)
      .getOne();
    return (found as AuthenticatedKey | null) ?? null;
  }

  /** The merchant's keys, oldest first. */
  async list(merchantId: string): Promise<ApiKeyEntity[]> {
    return this.db.getRepository(ApiKeyEntity).find({ where: { merchantId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Deletes the merchant's key; false if the merchant has no key with this id. */
  async delete(merchantId: string, id: string): Promise<boolean> {
    const result = await this.db.getRepository(ApiKeyEntity).delete({ merchantId, id });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Records that the key was used now, unless that was already recorded less than a minute ago: whichever API process
   * asks, the row is written at most once a minute.
   */
  async markUsed(id: string): Promise<void> {
    await this.db.query(
      `UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= now() - interval '1 minute')`,
      [id],
    );
  }
}
