import { Module } from '@nestjs/common';
import { CampaignFanOutModule } from '@herald/campaigns';
import { HeraldConfigModule } from '@herald/config';
import { DeliveryModule } from '@herald/delivery';
import { CustomerErasureModule } from '@herald/erasure';
import { EventsModule } from '@herald/events';
import { ExportDeliveryModule } from '@herald/exports';
import { NotificationsModule } from '@herald/notifications';
import { HeraldLoggerModule, ReadinessModule } from '@herald/observability';
import { PersistenceModule } from '@herald/persistence';
import { QueuesModule } from '@herald/queues';
import { RetentionPurgeModule } from '@herald/retention';
import { WebhookDeliveryModule } from '@herald/webhooks';
import { BulkSchedules } from './bulk-schedules';
import { DeadLetterProcessor } from './dead-letter.processor';
import { MonitoringEndpoint } from './monitoring.endpoint';
import { ReconciliationSchedule } from './reconciliation.schedule';
import { BulkQueueProcessor, CampaignEmailProcessor, CampaignSmsProcessor, CriticalQueueProcessor } from './send-processors';

@Module({
  imports: [
    HeraldConfigModule,
    HeraldLoggerModule('worker'),
    PersistenceModule,
    QueuesModule,
    DeliveryModule,
    NotificationsModule,
    EventsModule,
    WebhookDeliveryModule,
    ExportDeliveryModule,
    CampaignFanOutModule,
    CustomerErasureModule,
    RetentionPurgeModule,
    ReadinessModule,
  ],
  providers: [CriticalQueueProcessor, BulkQueueProcessor, CampaignSmsProcessor, CampaignEmailProcessor, DeadLetterProcessor, ReconciliationSchedule, BulkSchedules, MonitoringEndpoint],
})
export class WorkerModule {}
