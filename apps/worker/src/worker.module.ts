import { Module } from '@nestjs/common';
import { HeraldConfigModule } from '@herald/config';
import { DeliveryModule } from '@herald/delivery';
import { NotificationsModule } from '@herald/notifications';
import { HeraldLoggerModule, ReadinessModule } from '@herald/observability';
import { PersistenceModule } from '@herald/persistence';
import { QueuesModule } from '@herald/queues';
import { DeadLetterProcessor } from './dead-letter.processor';
import { MonitoringEndpoint } from './monitoring.endpoint';
import { ReconciliationSchedule } from './reconciliation.schedule';
import { BulkQueueProcessor, CriticalQueueProcessor } from './send-processors';

@Module({
  imports: [HeraldConfigModule, HeraldLoggerModule('worker'), PersistenceModule, QueuesModule, DeliveryModule, NotificationsModule, ReadinessModule],
  providers: [CriticalQueueProcessor, BulkQueueProcessor, DeadLetterProcessor, ReconciliationSchedule, MonitoringEndpoint],
})
export class WorkerModule {}
