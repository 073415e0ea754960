import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DEAD_LETTER_JOB, DEAD_LETTER_QUEUE, DeadLetterPayload, WEBHOOK_DEAD_LETTER_JOB, WebhookDeadLetterPayload } from './queue-names';

/**
 * One dead letter per series of attempts: the id carries the attempt count, so a redriven notification that dies
 * again gets a new letter rather than being swallowed by the old one.
 */
const deadLetterJobId = (notificationId: string, attempts: number) => `dead-${notificationId}-${attempts}`;

/** Parks a notification's failed job in the `dead-letter` queue, where operators see it and can retry it. */
@Injectable()
export class DeadLetters {
  constructor(@InjectQueue(DEAD_LETTER_QUEUE) private readonly queue: Queue<DeadLetterPayload | WebhookDeadLetterPayload>) {}

  /** Returns the letter's job id. */
  async park(letter: DeadLetterPayload): Promise<string> {
    const jobId = deadLetterJobId(letter.notificationId, letter.attempts);
    await this.queue.add(DEAD_LETTER_JOB, letter, { jobId });
    return jobId;
  }

  /** A webhook delivery that exhausted its attempts; one letter per delivery and series of attempts. Returns the letter's job id. */
  async parkWebhook(letter: WebhookDeadLetterPayload): Promise<string> {
    const jobId = `dead-webhook-${letter.deliveryId}-${letter.attempts}`;
    await this.queue.add(WEBHOOK_DEAD_LETTER_JOB, letter, { jobId });
    return jobId;
  }

  /**
   * Clears a dead letter that was dealt with elsewhere (bulk redrive, a Retry of the original job, an erasure); a no-op
   * while it runs. Whether there was one to clear.
   */
  async remove(notificationId: string, attempts: number): Promise<boolean> {
    return (await this.queue.remove(deadLetterJobId(notificationId, attempts))) > 0;
  }
}
