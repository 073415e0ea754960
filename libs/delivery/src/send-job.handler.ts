import { Injectable, Logger } from '@nestjs/common';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { isDependencyOutage } from '@herald/errors';
import { sendNotificationPayload, SendQueueName } from '@herald/queues';
import { DeliveryOutcome, DeliveryService } from './delivery.service';

/** How long a job waits before trying again while Postgres or Redis is unreachable (plus up to as much jitter). */
const OUTAGE_RETRY_MS = 1000;

/** Translates between BullMQ and the delivery rules: payload validation, putting back early jobs, retry or not. */
@Injectable()
export class SendJobHandler {
  private readonly logger = new Logger(SendJobHandler.name);

  constructor(private readonly delivery: DeliveryService) {}

  async handle(job: Job, token: string | undefined): Promise<DeliveryOutcome> {
    const payload = sendNotificationPayload.safeParse(job.data);
    if (!payload.success) {
      this.logger.error({ msg: 'rejected a malformed job', queue: job.queueName, jobId: job.id, issues: payload.error.issues });
      throw new UnrecoverableError(`malformed payload: ${payload.error.issues.map((i) => i.message).join('; ')}`);
    }
    let outcome: DeliveryOutcome;
    try {
      outcome = await this.delivery.deliver(payload.data.notificationId, {
        number: job.attemptsMade + 1,
        max: job.opts.attempts ?? 1,
        queue: job.queueName as SendQueueName,
        jobId: job.id!,
        jobName: job.name,
      });
    } catch (error) {
      // A DeliveryFailure (or anything unexpected) is retried by BullMQ with backoff.
      if (!isDependencyOutage(error)) throw error;
      // Postgres or Redis is down: not the notification's fault, so the wait spends none of its attempts.
      this.logger.warn({
        msg: 'dependency unavailable; job put back',
        notificationId: payload.data.notificationId,
        jobId: job.id,
        error: (error as Error).message,
      });
      return this.putBack(job, token, Date.now() + OUTAGE_RETRY_MS + Math.round(Math.random() * OUTAGE_RETRY_MS));
    }
    // Rescheduled later after this job became due: sleep again until the new time.
    if (outcome.kind === 'not_due') return this.putBack(job, token, outcome.dueAt.getTime());
    // Its merchant is disabled: the job sleeps, the notification stays pending, nothing is spent.
    if (outcome.kind === 'held') return this.putBack(job, token, outcome.recheckAt.getTime());
    // A dead send completes its job: it is parked in `dead-letter`, so Bull Board shows one failed entry to retry.
    return outcome;
  }

  /** Back to the delayed set until `at`, without counting an attempt. */
  private async putBack(job: Job, token: string | undefined, at: number): Promise<never> {
    await job.moveToDelayed(at, token);
    throw new DelayedError();
  }
}
