import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MerchantEntity } from '../entities';

export type NewMerchant = Omit<MerchantEntity, 'createdAt'>;

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
}
