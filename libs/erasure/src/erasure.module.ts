import { Module } from '@nestjs/common';
import { ChannelsModule } from '@herald/channels';
import { NotificationsModule } from '@herald/notifications';
import { QueuesModule } from '@herald/queues';
import { CustomerErasure } from './customer-erasure.service';
import { ErasureJobHandler } from './erasure-job.handler';
import { ErasuresService } from './erasures.service';

/** Erasures as the API handles them: the request and its progress. */
@Module({
  imports: [QueuesModule],
  providers: [ErasuresService],
  exports: [ErasuresService],
})
export class ErasuresModule {}

/** The worker's side: the erasure job. */
@Module({
  imports: [QueuesModule, NotificationsModule, ChannelsModule],
  providers: [CustomerErasure, ErasureJobHandler],
  exports: [ErasureJobHandler],
})
export class CustomerErasureModule {}
