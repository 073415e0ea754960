import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { BULK_QUEUE, ERASE_CUSTOMER_JOB, EraseCustomerPayload, erasureJobId } from './queue-names';

/**
 * An erasure that keeps failing waits longer each time, about 17 minutes over its attempts; what it did is kept, so a
 * retry goes on from there. Waiting out a send in flight, or Postgres or Redis being away, spends no attempt.
 */
export const ERASURE_RETRY = { attempts: 10, backoff: { type: 'exponential', delay: 1000 } };

/** Where an erasure becomes one `bulk` job: a worker does the erasing, the request only records it. */
@Injectable()
export class ErasureJobs {
  constructor(@InjectQueue(BULK_QUEUE) private readonly bulk: Queue<EraseCustomerPayload>) {}

  /** One job per erasure: adding it again while it exists is a no-op; a finished or failed one is replaced. */
  async ensure(erasureId: string): Promise<void> {
    const jobId = erasureJobId(erasureId);
    const existing = await this.bulk.getJob(jobId);
    if (existing && ((await existing.isFailed()) || (await existing.isCompleted()))) await existing.remove();
    await this.bulk.add(ERASE_CUSTOMER_JOB, { erasureId }, { jobId, ...ERASURE_RETRY, removeOnComplete: true, removeOnFail: { count: 100 } });
  }
}
