import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { BULK_QUEUE, RETENTION_PURGE_JOB, RETENTION_TICK_JOB, RetentionPurgePayload } from './queue-names';

/**
 * Retention jobs are tried once, as export jobs are: the run's ledger in Postgres, not BullMQ, keeps where the purge
 * got to, and a run whose next slice never came is taken over by a later tick once its lease runs out.
 */
const RETENTION_JOB_OPTIONS: JobsOptions = { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } };

/** Where the daily retention purge becomes jobs on `bulk`: the periodic tick, and the slices of a day's run. */
@Injectable()
export class RetentionJobs {
  constructor(@InjectQueue(BULK_QUEUE) private readonly bulk: Queue<RetentionPurgePayload | Record<string, never>>) {}

  /** Creates or refreshes the job scheduler that ticks every `everyMs` (idempotent, safe from every worker). */
  async scheduleTick(everyMs: number): Promise<void> {
    await this.bulk.upsertJobScheduler(RETENTION_TICK_JOB, { every: everyMs }, { name: RETENTION_TICK_JOB, data: {}, opts: RETENTION_JOB_OPTIONS });
  }

  /** Queues slice `slice` of the run its worker claimed; the same slice asked for twice is one job. */
  async requestSlice(payload: RetentionPurgePayload): Promise<void> {
    await this.bulk.add(RETENTION_PURGE_JOB, payload, { ...RETENTION_JOB_OPTIONS, jobId: `retention-${payload.day}-${payload.claimId}-${payload.slice}` });
  }
}
