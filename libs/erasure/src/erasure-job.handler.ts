import { Injectable, Logger } from '@nestjs/common';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { isDependencyOutage } from '@herald/errors';
import { ERASE_CUSTOMER_JOB, eraseCustomerPayload } from '@herald/queues';
import { CustomerErasure, ErasureOutcome } from './customer-erasure.service';

/** How long an erasure waits before trying again while Postgres or Redis is unreachable (plus up to as much jitter). */
const OUTAGE_RETRY_MS = 1000;

/**
 * A step that failed, said without its cause's message: a database error can quote the values it was given, and a
 * failed job's reason is kept in Redis and shown in Bull Board.
 */
export class ErasureStepFailed extends Error {
  constructor(readonly code: string) {
    super(`the erasure failed (${code}); it is retried`);
    this.name = 'ErasureStepFailed';
  }
}

/** Translates between BullMQ and the erasure: which jobs are erasures, payload validation, waiting, giving up. */
@Injectable()
export class ErasureJobHandler {
  private readonly logger = new Logger(ErasureJobHandler.name);

  constructor(private readonly erasure: CustomerErasure) {}

  handles(job: Job): boolean {
    return job.name === ERASE_CUSTOMER_JOB;
  }

  async handle(job: Job, token: string | undefined): Promise<ErasureOutcome> {
    const payload = eraseCustomerPayload.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`malformed erasure job: ${payload.error.issues.map((i) => i.message).join('; ')}`);
    const { erasureId } = payload.data;
    let outcome: ErasureOutcome;
    try {
      outcome = await this.erasure.run(erasureId);
    } catch (error) {
      if (isDependencyOutage(error)) return this.putBack(job, token, Date.now() + OUTAGE_RETRY_MS + Math.round(Math.random() * OUTAGE_RETRY_MS));
      const code = (error as { code?: string }).code ?? (error as Error).name ?? 'error';
      const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      this.logger.warn({ msg: 'erasure step failed', erasureId, jobId: job.id, attempt: job.attemptsMade + 1, last, code });
      if (last) await this.erasure.giveUp(erasureId, String(code));
      throw new ErasureStepFailed(String(code));
    }
    if (outcome.kind === 'waiting') {
      this.logger.log({ msg: 'erasure waiting', erasureId, reason: outcome.reason });
      return this.putBack(job, token, outcome.until.getTime());
    }
    return outcome;
  }

  /** Back to the delayed set until `at`, without counting an attempt. */
  private async putBack(job: Job, token: string | undefined, at: number): Promise<never> {
    await job.moveToDelayed(at, token);
    throw new DelayedError();
  }
}
