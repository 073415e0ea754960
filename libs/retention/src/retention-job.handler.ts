import { Injectable } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { RETENTION_PURGE_JOB, RETENTION_TICK_JOB, retentionPurgePayload } from '@herald/queues';
import { RetentionPurge } from './retention-purge.service';
import { RetentionTick } from './retention-tick.service';

const RETENTION_JOB_NAMES: ReadonlySet<string> = new Set([RETENTION_TICK_JOB, RETENTION_PURGE_JOB]);

/** Translates between BullMQ and the purge: which jobs are retention's, payload validation. */
@Injectable()
export class RetentionJobHandler {
  constructor(
    private readonly tick: RetentionTick,
    private readonly purge: RetentionPurge,
  ) {}

  handles(job: Job): boolean {
    return RETENTION_JOB_NAMES.has(job.name);
  }

  async handle(job: Job): Promise<unknown> {
    if (job.name === RETENTION_TICK_JOB) return this.tick.tick();
    const payload = retentionPurgePayload.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`malformed retention job: ${payload.error.issues.map((i) => i.message).join('; ')}`);
    return this.purge.runSlice(payload.data);
  }
}
