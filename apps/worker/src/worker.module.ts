import { Module } from '@nestjs/common';
import { HeraldConfigModule } from '@herald/config';
import { DeliveryModule } from '@herald/delivery';
import { EventsModule } from '@herald/events';
import { NotificationsModule } from '@herald/notifications';
import { HeraldLoggerModule } from '@herald/observability';
import { PersistenceModule } from '@herald/persistence';
import { QueuesModule } from '@herald/queues';
import { WebhookDeliveryModule } from '@herald/webhooks';
import { DeadLetterProcessor } from './dead-letter.processor';
import { ReconciliationSchedule } from './reconciliation.schedule';
import { BulkQueueProcessor, CriticalQueueProcessor } from './send-processors';

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
  ],
  providers: [CriticalQueueProcessor, BulkQueueProcessor, DeadLetterProcessor, ReconciliationSchedule],
})
export class WorkerModule {}
