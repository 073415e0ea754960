import { Processor, WorkerHost } from '@nestjs/bullmq';
import { OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { DeadLetterHandler } from '@herald/delivery';
import { DEAD_LETTER_QUEUE, WEBHOOK_DEAD_LETTER_JOB } from '@herald/queues';
import { WebhookDeadLetterHandler } from '@herald/webhooks';

/**
 * Alerts on new dead letters (batched, so high concurrency lets a burst share a few messages) and redrives retried
 * ones: sends, and webhook deliveries.
 */
@Processor(DEAD_LETTER_QUEUE, { autorun: false, concurrency: 100, lockDuration: 30_000 })
export class DeadLetterProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly handler: DeadLetterHandler,
    private readonly webhooks: WebhookDeadLetterHandler,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    void this.worker.run();
  }

  process(job: Job): Promise<unknown> {
    return job.name === WEBHOOK_DEAD_LETTER_JOB ? this.webhooks.handle(job) : this.handler.handle(job);
  }
}
