import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiKeyEntity, MerchantEntity } from '../entities';
import { runPrepared } from './prepared-statement';

export type NewApiKey = Omit<ApiKeyEntity, 'createdAt' | 'lastUsedAt'>;

/** A key that authenticated, with the merchant it acts for. */
export type AuthenticatedKey = ApiKeyEntity & { merchant: MerchantEntity };

/** Database column → entity field of a key, and of its merchant (read alongside under `merchant.`). */
const KEY_FIELDS: [column: string, field: keyof ApiKeyEntity][] = [
  ['id', 'id'],
  ['merchant_id', 'merchantId'],
  ['name', 'name'],
  ['scope', 'scope'],
  ['key_hash', 'keyHash'],
  ['key_prefix', 'keyPrefix'],
  ['created_at', 'createdAt'],
  ['last_used_at', 'lastUsedAt'],
];
const MERCHANT_FIELDS: [column: string, field: keyof MerchantEntity][] = [
  ['id', 'id'],
  ['name', 'name'],
  ['timezone', 'timezone'],
  ['default_reminder_before', 'defaultReminderBefore'],
  ['default_reminder_days_before', 'defaultReminderDaysBefore'],
  ['default_reminder_at', 'defaultReminderAt'],
  ['default_locale', 'defaultLocale'],
  ['quiet_hours_start', 'quietHoursStart'],
  ['quiet_hours_end', 'quietHoursEnd'],
  ['sms_from', 'smsFrom'],
  ['sms_from_by_provider', 'smsFromByProvider'],
  ['email_sender_name', 'emailSenderName'],
  ['retention', 'retention'],
  ['bulk_cap_per_day', 'bulkCapPerDay'],
  ['bulk_cap_per_week', 'bulkCapPerWeek'],
  ['disabled_at', 'disabledAt'],
  ['created_at', 'createdAt'],
  ['updated_at', 'updatedAt'],
];
const KEY_WITH_MERCHANT = `SELECT ${[
  ...KEY_FIELDS.map(([column, field]) => `k.${column} AS "${field}"`),
  ...MERCHANT_FIELDS.map(([column, field]) => `m.${column} AS "merchant.${field}"`),
].join(', ')}
  FROM api_keys k JOIN merchants m ON m.id = k.merchant_id`;

function authenticatedKeyOf(row: Record<string, unknown>): AuthenticatedKey {
  const merchant = {} as Record<string, unknown>;
  for (const [, field] of MERCHANT_FIELDS) merchant[field] = row[`merchant.${field}`];
  const key = { merchant } as Record<string, unknown>;
  for (const [, field] of KEY_FIELDS) key[field] = row[field];
  return key as unknown as AuthenticatedKey;
}

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

  /**
   * The key with this hash and its merchant, in one indexed read. Every authenticated request makes it: prepared (see
   * runPrepared), and read without the ORM, whose query builder cost the API more than the read itself.
   */
  async findByHash(keyHash: string): Promise<AuthenticatedKey | null> {
    const [row] = await runPrepared<Record<string, unknown>>(this.db, 'api-key-by-hash', `${KEY_WITH_MERCHANT} WHERE k.key_hash = $1`, [keyHash]);
    return row ? authenticatedKeyOf(row) : null;
  }

  /** The merchant's key with this id (a stream token names the key that issued it), with the merchant; null once revoked. */
  async findForMerchant(merchantId: string, id: string): Promise<AuthenticatedKey | null> {
    const [row] = await runPrepared<Record<string, unknown>>(this.db, 'api-key-of-merchant', `${KEY_WITH_MERCHANT} WHERE k.id = $1 AND k.merchant_id = $2`, [
      id,
      merchantId,
    ]);
    return row ? authenticatedKeyOf(row) : null;
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
