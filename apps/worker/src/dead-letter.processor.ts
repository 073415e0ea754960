import { Processor, WorkerHost } from '@nestjs/bullmq';
import { OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { DeadLetterHandler } from '@herald/delivery';
import { DEAD_LETTER_QUEUE } from '@herald/queues';

/** Alerts on new dead letters (batched, so high concurrency lets a burst share a few messages) and redrives retried ones. */
@Processor(DEAD_LETTER_QUEUE, { autorun: false, concurrency: 100, lockDuration: 30_000 })
export class DeadLetterProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(private readonly handler: DeadLetterHandler) {
    super();
  }

  onApplicationBootstrap(): void {
    void this.worker.run();
  }

  process(job: Job) {
    return this.handler.handle(job);
  }
}
