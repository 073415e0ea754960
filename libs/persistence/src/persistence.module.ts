import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HeraldConfig, heraldConfig } from '@herald/config';
import { dataSourceOptions } from './data-source';
import { ExportLedgerRepository } from './repositories/export-ledger.repository';
import { ExportRowsRepository } from './repositories/export-rows.repository';
import { ExportSettingsRepository } from './repositories/export-settings.repository';
import { IdempotencyRepository } from './repositories/idempotency.repository';
import { MerchantRepository } from './repositories/merchant.repository';
import { MessageTemplateRepository } from './repositories/message-template.repository';
import { NotificationRepository } from './repositories/notification.repository';
import { OptOutRepository } from './repositories/opt-out.repository';
import { OrderRepository } from './repositories/order.repository';

const REPOSITORIES = [
  MerchantRepository,
  OrderRepository,
  NotificationRepository,
  IdempotencyRepository,
  OptOutRepository,
  ExportSettingsRepository,
  ExportLedgerRepository,
  ExportRowsRepository,
  MessageTemplateRepository,
];

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [heraldConfig.KEY],
      useFactory: (config: HeraldConfig) => ({ ...dataSourceOptions(config.databaseUrl), retryAttempts: 0 }),
    }),
  ],
  providers: REPOSITORIES,
  exports: REPOSITORIES,
})
export class PersistenceModule {}
