import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiKeyEntity, MerchantEntity } from '../entities';
import type { NewApiKey } from './api-key.repository';

export type NewMerchant = Omit<MerchantEntity, 'createdAt' | 'updatedAt'>;

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
    | 'emailSenderName'
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
}
