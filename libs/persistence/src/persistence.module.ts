import { Global, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { HeraldConfig, heraldConfig } from '@herald/config';
import { ContactHashing } from './contact-hash';
import { dataSourceOptions, WARM_CONNECTIONS } from './data-source';
import { EventLogCommits } from './event-log-commits';
import { AuditRepository } from './repositories/audit.repository';
import { ApiKeyRepository } from './repositories/api-key.repository';
import { CampaignRepository } from './repositories/campaign.repository';
import { ConsoleSessionRepository } from './repositories/console-session.repository';
import { CustomerRepository } from './repositories/customer.repository';
import { DeliveryRepository } from './repositories/delivery.repository';
import { ErasureRepository } from './repositories/erasure.repository';
import { EventLogRepository } from './repositories/event-log.repository';
import { ExportLedgerRepository } from './repositories/export-ledger.repository';
import { ExportRowsRepository } from './repositories/export-rows.repository';
import { ExportSettingsRepository } from './repositories/export-settings.repository';
import { FallbackRepository } from './repositories/fallback.repository';
import { IdempotencyRepository } from './repositories/idempotency.repository';
import { MerchantRepository } from './repositories/merchant.repository';
import { MessageTemplateRepository } from './repositories/message-template.repository';
import { NotificationRepository } from './repositories/notification.repository';
import { OptOutRepository } from './repositories/opt-out.repository';
import { OrderRepository } from './repositories/order.repository';
import { RetentionRepository } from './repositories/retention.repository';
import { WebhookRepository } from './repositories/webhook.repository';
import { WhatsAppSessionRepository } from './repositories/whatsapp-session.repository';

const REPOSITORIES = [
  MerchantRepository,
  ApiKeyRepository,
  ConsoleSessionRepository,
  OrderRepository,
  NotificationRepository,
  DeliveryRepository,
  IdempotencyRepository,
  OptOutRepository,
  ExportSettingsRepository,
  ExportLedgerRepository,
  ExportRowsRepository,
  MessageTemplateRepository,
  EventLogRepository,
  WebhookRepository,
  CustomerRepository,
  FallbackRepository,
  CampaignRepository,
  AuditRepository,
  ErasureRepository,
  RetentionRepository,
  WhatsAppSessionRepository,
];

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [heraldConfig.KEY],
      useFactory: (config: HeraldConfig) => ({ ...dataSourceOptions(config.databaseUrl, config.databasePoolSize), retryAttempts: 0 }),
    }),
  ],
  providers: [...REPOSITORIES, EventLogCommits, ContactHashing],
  exports: [...REPOSITORIES, EventLogCommits, ContactHashing],
})
export class PersistenceModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('Persistence');

  constructor(private readonly db: DataSource) {}

  /** Opens the connections the pool keeps (see WARM_CONNECTIONS), so the first sends and orders find them ready. */
  async onApplicationBootstrap(): Promise<void> {
    const pool = (this.db.driver as PostgresDriver).master as Pool;
    const opened = await Promise.allSettled(Array.from({ length: WARM_CONNECTIONS }, () => pool.connect()));
    for (const result of opened) if (result.status === 'fulfilled') (result.value as PoolClient).release();
    const failed = opened.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) this.logger.warn(`could not open Postgres connections ahead of use: ${(failed.reason as Error).message}`);
  }
}
