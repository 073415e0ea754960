import { Module } from '@nestjs/common';
import { HeraldConfigModule } from '@herald/config';
import { DeliveryModule } from '@herald/delivery';
import { HeraldLoggerModule } from '@herald/observability';
import { PersistenceModule } from '@herald/persistence';
import { QueuesModule } from '@herald/queues';
import { BulkQueueProcessor, CriticalQueueProcessor } from './send-processors';

@Module({
  imports: [HeraldConfigModule, HeraldLoggerModule('worker'), PersistenceModule, QueuesModule, DeliveryModule],
  providers: [CriticalQueueProcessor, BulkQueueProcessor],
})
export class WorkerModule {}
