import { Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { HeraldConfigModule } from '@herald/config';
import { EventsModule, LiveStreamsModule } from '@herald/events';
import { MerchantsModule } from '@herald/merchants';
import { NotificationsModule } from '@herald/notifications';
import { HeraldLoggerModule } from '@herald/observability';
import { OrdersModule } from '@herald/orders';
import { PersistenceModule } from '@herald/persistence';
import { QueuesModule } from '@herald/queues';
import { ReceiptsModule } from '@herald/receipts';
import { WebhookEndpointsModule } from '@herald/webhooks';
import { AdminDeadLettersController } from './controllers/admin-dead-letters.controller';
import { AdminMerchantsController } from './controllers/admin-merchants.controller';
import { EventsController } from './controllers/events.controller';
import { HealthController } from './controllers/health.controller';
import { MetricsController } from './controllers/metrics.controller';
import { NotificationsController } from './controllers/notifications.controller';
import { OrdersController } from './controllers/orders.controller';
import { WebhookEndpointController } from './controllers/webhook-endpoint.controller';
import { WebhooksController } from './controllers/webhooks.controller';
import { ErrorFilter } from './http/error.filter';
import { IdempotencyInterceptor } from './http/idempotency.interceptor';
import { RequestMetricsInterceptor } from './http/request-metrics.interceptor';

/** Per client IP; generous for people and scripts, ruinous for password guessing. */
const ADMIN_REQUESTS_PER_MINUTE = 60;

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
    EventsModule,
    LiveStreamsModule,
    WebhookEndpointsModule,
    TerminusModule.forRoot({ logger: false }),
    // Applied where @UseGuards(ThrottlerGuard) asks for it: the admin API, where credentials could be guessed.
    ThrottlerModule.forRoot([{ name: 'admin', ttl: 60_000, limit: ADMIN_REQUESTS_PER_MINUTE }]),
  ],
  controllers: [
    AdminMerchantsController,
    AdminDeadLettersController,
    OrdersController,
    NotificationsController,
    EventsController,
    WebhookEndpointController,
    HealthController,
    MetricsController,
    WebhooksController,
  ],
  providers: [
    { provide: APP_FILTER, useClass: ErrorFilter },
    { provide: APP_INTERCEPTOR, useClass: RequestMetricsInterceptor },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
})
export class ApiModule {}
