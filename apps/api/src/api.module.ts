import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AdminAccessModule } from '@herald/admin-access';
import { CampaignsModule } from '@herald/campaigns';
import { HeraldConfigModule } from '@herald/config';
import { ConsoleSessionsModule } from '@herald/console-sessions';
import { CustomersModule } from '@herald/customers';
import { ErasuresModule } from '@herald/erasure';
import { EventsModule, LiveStreamsModule } from '@herald/events';
import { ExportsModule } from '@herald/exports';
import { MerchantsModule } from '@herald/merchants';
import { NotificationsModule } from '@herald/notifications';
import { HeraldLoggerModule, ReadinessModule } from '@herald/observability';
import { SmsRoutingModule } from '@herald/sms-routing';
import { OperatorsModule } from '@herald/operators';
import { OrdersModule } from '@herald/orders';
import { PersistenceModule } from '@herald/persistence';
import { QueuesModule } from '@herald/queues';
import { ReceiptsModule } from '@herald/receipts';
import { TemplatesModule } from '@herald/templates';
import { WebhookEndpointsModule } from '@herald/webhooks';
import { AdminAuditController } from './controllers/admin-audit.controller';
import { AdminDeadLettersController } from './controllers/admin-dead-letters.controller';
import { AdminMerchantsController } from './controllers/admin-merchants.controller';
import { CampaignsController } from './controllers/campaigns.controller';
import { ConsoleSessionController } from './controllers/console-session.controller';
import { CustomersController } from './controllers/customers.controller';
import { ErasuresController } from './controllers/erasures.controller';
import { EventsController } from './controllers/events.controller';
import { ExportsController } from './controllers/exports.controller';
import { HealthController } from './controllers/health.controller';
import { MerchantController } from './controllers/merchant.controller';
import { ApiKeysController } from './controllers/api-keys.controller';
import { MetricsController } from './controllers/metrics.controller';
import { NotificationsController } from './controllers/notifications.controller';
import { OrdersController } from './controllers/orders.controller';
import { TemplatesController } from './controllers/templates.controller';
import { WebhookEndpointController } from './controllers/webhook-endpoint.controller';
import { WebhooksController } from './controllers/webhooks.controller';
import { AdminRateLimitModule } from './http/admin-rate-limit';
import { ErrorFilter } from './http/error.filter';
import { MetricsPortServer } from './http/metrics-port.server';

@Module({
  imports: [
    HeraldConfigModule,
    HeraldLoggerModule('api'),
    PersistenceModule,
    QueuesModule,
    MerchantsModule,
    OrdersModule,
    NotificationsModule,
    ReceiptsModule,
    TemplatesModule,
    ReadinessModule,
    // The SMS providers' shared health, for /metrics and /health/ready (the API sends no SMS itself).
    SmsRoutingModule,
    ExportsModule,
    EventsModule,
    LiveStreamsModule,
    WebhookEndpointsModule,
    CustomersModule,
    CampaignsModule,
    ErasuresModule,
    AdminRateLimitModule,
    AdminAccessModule,
    OperatorsModule,
    ConsoleSessionsModule,
  ],
  controllers: [
    AdminMerchantsController,
    AdminDeadLettersController,
    AdminAuditController,
    MerchantController,
    ApiKeysController,
    ConsoleSessionController,
    OrdersController,
    NotificationsController,
    TemplatesController,
    CustomersController,
    ErasuresController,
    CampaignsController,
    EventsController,
    WebhookEndpointController,
    HealthController,
    MetricsController,
    WebhooksController,
    ExportsController,
  ],
  providers: [
    { provide: APP_FILTER, useClass: ErrorFilter },
    MetricsPortServer,
  ],
})
export class ApiModule {}
