import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { BULK_QUEUE, EXPORT_RUN_JOB, EXPORT_TICK_JOB, ExportRunPayload } from './queue-names';

/**
 * Export jobs are tried once: the export ledger in Postgres, not BullMQ, keeps their retries and their outcome, and
 * the next tick picks up whatever a failed job left. Finished ones are not kept, so a tick every minute does not
 * crowd the send jobs out of Bull Board.
 */
const EXPORT_JOB_OPTIONS: JobsOptions = { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } };

/** Where the daily export becomes jobs on `bulk`: the periodic tick, and one run per merchant with work. */
@Injectable()
export class ExportJobs {
  constructor(@InjectQueue(BULK_QUEUE) private readonly bulk: Queue<ExportRunPayload | Record<string, never>>) {}

  /** Creates or refreshes the job scheduler that ticks every `everyMs` (idempotent, safe from every worker). */
  async scheduleTick(everyMs: number): Promise<void> {
    await this.bulk.upsertJobScheduler(EXPORT_TICK_JOB, { every: everyMs }, { name: EXPORT_TICK_JOB, data: {}, opts: EXPORT_JOB_OPTIONS });
  }

  /**
   * Asks workers to export what each merchant has due, one job per merchant. `occasion` (a tick's time, a resend's
   * id) keeps the job ids unique, so a new request is never swallowed by an earlier job that is still around.
   */
  async requestRuns(merchantIds: string[], occasion: string): Promise<void> {
    if (!merchantIds.length) return;
    await this.bulk.addBulk(
      merchantIds.map((merchantId) => ({
        name: EXPORT_RUN_JOB,
        data: { merchantId },
        opts: { ...EXPORT_JOB_OPTIONS, jobId: `export-run-${merchantId}-${occasion}` },
      })),
    );
  }
}
