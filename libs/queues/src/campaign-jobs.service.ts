import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { BULK_QUEUE, CAMPAIGN_FANOUT_JOB, CampaignFanOutPayload, campaignFanOutJobId } from './queue-names';

/** A fan-out that keeps failing waits this long between tries; its progress is kept, so a retry goes on from there. */
const FANOUT_RETRY = { attempts: 10, backoff: { type: 'exponential', delay: 1000 } };

/** Where a campaign becomes one `bulk` job that resolves its audience into sends, chunk by chunk, on a worker. */
@Injectable()
export class CampaignJobs {
  constructor(@InjectQueue(BULK_QUEUE) private readonly bulk: Queue<CampaignFanOutPayload>) {}

  /** One fan-out job per campaign: adding it again while it exists is a no-op; a failed one is retried. */
  async ensureFanOut(campaignId: string): Promise<void> {
    const jobId = campaignFanOutJobId(campaignId);
    const existing = await this.bulk.getJob(jobId);
    if (existing && (await existing.isFailed())) {
      await existing.retry('failed');
      return;
    }
    if (existing && (await existing.isCompleted())) await existing.remove();
    await this.bulk.add(CAMPAIGN_FANOUT_JOB, { campaignId }, { jobId, ...FANOUT_RETRY, removeOnComplete: true, removeOnFail: { count: 100 } });
  }
}
