import { Module } from '@nestjs/common';
import { ChannelsModule } from '@herald/channels';
import { QueuesModule } from '@herald/queues';
import { DeliveryService } from './delivery.service';
import { SendJobHandler } from './send-job.handler';

@Module({
  imports: [QueuesModule, ChannelsModule],
  providers: [DeliveryService, SendJobHandler],
  exports: [SendJobHandler],
})
export class DeliveryModule {}
