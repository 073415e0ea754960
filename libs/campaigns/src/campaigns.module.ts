import { Module } from '@nestjs/common';
import { FrequencyCapsModule } from '@herald/frequency-caps';
import { NotificationsModule } from '@herald/notifications';
import { QueuesModule } from '@herald/queues';
import { CampaignFanOut } from './campaign-fan-out.service';
import { CampaignJobHandler } from './campaign-job.handler';
import { CampaignsService } from './campaigns.service';

/** Campaigns as the API handles them. */
@Module({
  imports: [QueuesModule, NotificationsModule, FrequencyCapsModule],
  providers: [CampaignsService],
  exports: [CampaignsService],
})
export class CampaignsModule {}

/** The worker's side: the fan-out job. */
@Module({
  imports: [QueuesModule, FrequencyCapsModule],
  providers: [CampaignFanOut, CampaignJobHandler],
  exports: [CampaignJobHandler],
})
export class CampaignFanOutModule {}
