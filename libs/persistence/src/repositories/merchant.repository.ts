import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MerchantEntity } from '../entities';

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

  async create(merchant: NewMerchant): Promise<MerchantEntity> {
    return this.db.getRepository(MerchantEntity).save(this.db.getRepository(MerchantEntity).create(merchant));
  }

  async findByApiKeyHash(apiKeyHash: string): Promise<MerchantEntity | null> {
    return this.db.getRepository(MerchantEntity).findOneBy({ apiKeyHash });
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
