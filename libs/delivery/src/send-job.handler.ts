import { Injectable, Logger } from '@nestjs/common';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { sendNotificationPayload, SendQueueName } from '@herald/queues';
import { DeliveryFailure } from './delivery.errors';
import { DeliveryOutcome, DeliveryService } from './delivery.service';

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
    try {
      const outcome = await this.delivery.deliver(payload.data.notificationId, {
        number: job.attemptsMade + 1,
        max: job.opts.attempts ?? 1,
        queue: job.queueName as SendQueueName,
        jobId: job.id!,
        jobName: job.name,
      });
      if (outcome.kind === 'not_due') {
        // Rescheduled later after this job became due: sleep again until the new time.
        await job.moveToDelayed(outcome.dueAt.getTime(), token);
        throw new DelayedError();
      }
      return outcome;
    } catch (error) {
      if (error instanceof DeliveryFailure && error.final) throw new UnrecoverableError(error.message);
      throw error;
    }
  }
}
