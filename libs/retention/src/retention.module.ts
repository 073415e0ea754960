import { Module } from '@nestjs/common';
import { ChannelsModule } from '@herald/channels';
import { QueuesModule } from '@herald/queues';
import { RetentionJobHandler } from './retention-job.handler';
import { RetentionPurge } from './retention-purge.service';
import { RetentionTick } from './retention-tick.service';

/** The workers' side: the daily tick, and the slices of batches that purge what merchants no longer keep. */
@Module({
  imports: [QueuesModule, ChannelsModule],
  providers: [RetentionTick, RetentionPurge, RetentionJobHandler],
  exports: [RetentionJobHandler],
})
export class RetentionPurgeModule {}
