import { BullModule, RegisterQueueAsyncOptions } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { HeraldConfig, heraldConfig } from '@herald/config';
import { DeadLetters } from './dead-letters.service';
import { NotificationJobs } from './notification-jobs.service';
import { ALL_QUEUES, DEAD_LETTER_QUEUE } from './queue-names';
import { redisOptions } from './redis-connection';
import { HERALD_BACKOFF } from './retry-policy';
import { WebhookJobs } from './webhook-jobs.service';

const DAY_SECONDS = 24 * 3600;

/** Postgres keeps the history; Redis keeps only enough finished send jobs for Bull Board. */
export const SEND_JOB_RETENTION = {
  removeOnComplete: { age: DAY_SECONDS, count: 1000 },
  removeOnFail: { age: 7 * DAY_SECONDS, count: 5000 },
};

const queueRegistration = (name: (typeof ALL_QUEUES)[number]): RegisterQueueAsyncOptions => ({
  name,
  inject: [heraldConfig.KEY],
  useFactory: (config: HeraldConfig) =>
    name === DEAD_LETTER_QUEUE
      ? // Dead letters stay until an operator acts on them; redriven ones are kept a week for the record.
        { defaultJobOptions: { attempts: 1, removeOnComplete: { age: 7 * DAY_SECONDS }, removeOnFail: false } }
      : {
          // Retention is set once on the workers (SEND_JOB_RETENTION), not on every job: each job's options are
          // stored with it, and shorter options keep every pending reminder smaller in Redis.
          defaultJobOptions: { attempts: config.jobs.attempts, backoff: { type: HERALD_BACKOFF, delay: config.jobs.backoffMs } },
        },
});

/** BullMQ connection and Herald's three queues; import it wherever a queue is needed. */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [heraldConfig.KEY],
      useFactory: (config: HeraldConfig) => ({ connection: redisOptions(config.redisUrl), prefix: config.queuePrefix }),
    }),
    BullModule.registerQueueAsync(...ALL_QUEUES.map(queueRegistration)),
  ],
  providers: [NotificationJobs, DeadLetters, WebhookJobs],
  exports: [BullModule, NotificationJobs, DeadLetters, WebhookJobs],
})
export class QueuesModule {}
