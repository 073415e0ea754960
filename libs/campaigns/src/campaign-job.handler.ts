import { Injectable } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { CAMPAIGN_FANOUT_JOB, campaignFanOutPayload } from '@herald/queues';
import { CampaignFanOut } from './campaign-fan-out.service';

/** Translates between BullMQ and the fan-out: which jobs are campaigns', payload validation. */
@Injectable()
export class CampaignJobHandler {
  constructor(private readonly fanOut: CampaignFanOut) {}

  handles(job: Job): boolean {
    return job.name === CAMPAIGN_FANOUT_JOB;
  }

  async handle(job: Job): Promise<unknown> {
    const payload = campaignFanOutPayload.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`malformed campaign job: ${payload.error.issues.map((i) => i.message).join('; ')}`);
    return this.fanOut.run(payload.data.campaignId);
  }
}
