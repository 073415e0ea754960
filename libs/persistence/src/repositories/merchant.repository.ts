import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiKeyEntity, MerchantEntity } from '../entities';
import type { NewApiKey } from './api-key.repository';
import { keysetBefore } from './keyset-page';

export type NewMerchant = Omit<MerchantEntity, 'createdAt' | 'updatedAt' | 'disabledAt' | 'bulkCapPerDay' | 'bulkCapPerWeek'>;

/** What a merchant may change of its own settings. */
export type MerchantChangeSet = Partial<
  Pick<
    MerchantEntity,
    | 'name'
    | 'timezone'
    | 'defaultLocale'
    | 'defaultReminderBefore'
    | 'defaultReminderDaysBefore'
    | 'defaultReminderAt'
    | 'quietHoursStart'
    | 'quietHoursEnd'
    | 'smsFrom'
    | 'smsFromByProvider'
    | 'emailSenderName'
    | 'retention'
    | 'bulkCapPerDay'
    | 'bulkCapPerWeek'
  >
>;

@Injectable()
export class MerchantRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The merchant and its first API key, together or not at all. */
  async create(merchant: NewMerchant, initialKey: Omit<NewApiKey, 'merchantId'>): Promise<MerchantEntity> {
    return this.db.transaction(async (manager) => {
      const saved = await manager.save(manager.create(MerchantEntity, merchant));
      await manager.save(manager.create(ApiKeyEntity, { ...initialKey, merchantId: saved.id }));
      return saved;
    });
  }

  async findById(id: string): Promise<MerchantEntity | null> {
    return this.db.getRepository(MerchantEntity).findOneBy({ id });
  }

  /** Applies the changes and returns the merchant as it now is. */
  async update(id: string, changes: MerchantChangeSet): Promise<MerchantEntity> {
    await this.db.getRepository(MerchantEntity).update({ id }, { ...changes, updatedAt: new Date() });
    return (await this.findById(id))!;
  }

  /**
   * Applies the changes unless one of `smsNumbers` is another merchant's (its `sms_from` or one of its numbers by
   * provider): null then. Checked and written under one lock, so two merchants never claim a number at once.
   */
  async updateClaimingSmsNumbers(id: string, changes: MerchantChangeSet, smsNumbers: readonly string[]): Promise<MerchantEntity | null> {
    return this.db.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('herald:merchant-sms-numbers'))`);
      const [{ taken }]: { taken: boolean }[] = await manager.query(
        `SELECT EXISTS (
           SELECT 1 FROM merchants m
           WHERE m.id <> $1
             AND (m.sms_from = ANY($2::text[]) OR EXISTS (SELECT 1 FROM jsonb_each_text(m.sms_from_by_provider) e WHERE e.value = ANY($2::text[])))
         ) AS taken`,
        [id, smsNumbers],
      );
      if (taken) return null;
      await manager.getRepository(MerchantEntity).update({ id }, { ...changes, updatedAt: new Date() });
      return manager.getRepository(MerchantEntity).findOneByOrFail({ id });
    });
  }

  /** All merchants, newest first; the cursor is the last row of the previous page. */
  async page(after: { createdAt: Date; id: string } | undefined, limit: number): Promise<MerchantEntity[]> {
    const query = this.db.getRepository(MerchantEntity).createQueryBuilder('m');
    if (after) query.where(keysetBefore('merchants', 'm'), { afterId: after.id, afterCreatedAt: after.createdAt });
    return query.orderBy('m.created_at', 'DESC').addOrderBy('m.id', 'DESC').limit(limit).getMany();
  }

  /**
   * Disables (`at`) or enables (null) the merchant and returns it as it now is, or null when there is no such merchant.
   * Disabling an already disabled merchant keeps its first `disabled_at`.
   */
  async setDisabled(id: string, at: Date | null): Promise<MerchantEntity | null> {
    await this.db
      .getRepository(MerchantEntity)
      .createQueryBuilder()
      .update()
      .set({ disabledAt: () => (at ? 'coalesce(disabled_at, :at)' : 'NULL'), updatedAt: () => 'now()' })
      .where('id = :id', { id, at })
      .execute();
    return this.findById(id);
  }
}
