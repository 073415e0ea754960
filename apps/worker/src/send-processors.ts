import { Processor, WorkerHost } from '@nestjs/bullmq';
import { OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { SendJobHandler } from '@herald/delivery';
import { BULK_QUEUE, CRITICAL_QUEUE, heraldBackoffStrategy } from '@herald/queues';

/**
 * Worker settings shared by both send queues. Workers start only once the app is fully up (`autorun: false`);
 * a stalled job (its worker died) is picked up by another worker within about 15 s.
 */
const SEND_WORKER_OPTIONS = {
  autorun: false,
  lockDuration: 15_000,
  stalledInterval: 5_000,
  maxStalledCount: 3,
  settings: { backoffStrategy: heraldBackoffStrategy },
};

abstract class SendProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly handler: SendJobHandler,
    private readonly concurrency: number,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.concurrency;
    void this.worker.run();
  }

  process(job: Job, token?: string) {
    return this.handler.handle(job, token);
  }
}

/** Confirmations and reminders: its own concurrency, so a bulk backlog never delays them. */
@Processor(CRITICAL_QUEUE, SEND_WORKER_OPTIONS)
export class CriticalQueueProcessor extends SendProcessor {
  constructor(handler: SendJobHandler, @InjectConfig() config: HeraldConfig) {
    super(handler, config.worker.criticalConcurrency);
  }
}

/** Campaigns and other bulk sends. */
@Processor(BULK_QUEUE, SEND_WORKER_OPTIONS)
export class BulkQueueProcessor extends SendProcessor {
  constructor(handler: SendJobHandler, @InjectConfig() config: HeraldConfig) {
    super(handler, config.worker.bulkConcurrency);
  }
}
