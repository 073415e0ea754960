import { BullModule, RegisterQueueAsyncOptions } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { HeraldConfig, heraldConfig } from '@herald/config';
import { RedisClients, RedisModule } from '@herald/redis';
import { CampaignJobs } from './campaign-jobs.service';
import { DeadLetters } from './dead-letters.service';
import { ErasureJobs } from './erasure-jobs.service';
import { ExportJobs } from './export-jobs.service';
import { NotificationJobs } from './notification-jobs.service';
import { ALL_QUEUES, DEAD_LETTER_QUEUE, QueueName } from './queue-names';
import { queuePrefix } from './queue-prefix';
import { RetentionJobs } from './retention-jobs.service';
import { HERALD_BACKOFF } from './retry-policy';
import { WebhookJobs } from './webhook-jobs.service';

const DAY_SECONDS = 24 * 3600;

/** Postgres keeps the history; Redis keeps only enough finished send jobs for Bull Board. */
export const SEND_JOB_RETENTION = {
  removeOnComplete: { age: DAY_SECONDS, count: 1000 },
  removeOnFail: { age: 7 * DAY_SECONDS, count: 5000 },
};

const queueRegistration = (name: QueueName): RegisterQueueAsyncOptions => ({
  name,
  imports: [RedisModule],
  inject: [heraldConfig.KEY, RedisClients],
  useFactory: (config: HeraldConfig, redis: RedisClients) => ({
    connection: redis.bullmqConnection(`queue:${name}`),
    prefix: queuePrefix(config, name),
    defaultJobOptions:
      name === DEAD_LETTER_QUEUE
        ? // Dead letters stay until an operator acts on them; redriven ones are kept a week for the record.
          { attempts: 1, removeOnComplete: { age: 7 * DAY_SECONDS }, removeOnFail: false }
        : // Retention is set once on the workers (SEND_JOB_RETENTION), not on every job: each job's options are
          // stored with it, and shorter options keep every pending reminder smaller in Redis.
          { attempts: config.jobs.attempts, backoff: { type: HERALD_BACKOFF, delay: config.jobs.backoffMs } },
  }),
});

/** Herald's queues on the configured Redis topology; import it wherever a queue is needed. */
@Module({
  // RedisModule first: see why in its comment.
  imports: [RedisModule, BullModule.registerQueueAsync(...ALL_QUEUES.map(queueRegistration))],
  providers: [NotificationJobs, DeadLetters, ExportJobs, WebhookJobs, CampaignJobs, ErasureJobs, RetentionJobs],
  exports: [BullModule, NotificationJobs, DeadLetters, ExportJobs, WebhookJobs, CampaignJobs, ErasureJobs, RetentionJobs],
})
export class QueuesModule {}
