import { JobsOptions, Queue } from 'bullmq';
import { sendJobId, SendQueueName } from '../../libs/queues/src/queue-names';
import { redisUrlOptions } from '../../libs/redis/src/redis-clients';
import { HeraldClient } from '../../test/support/herald-client';
import { HeraldEnv } from '../../test/support/test-environment';

const FAR_FUTURE_MS = 365 * 24 * 3600_000;

/** A BullMQ queue on the environment's Redis and prefix: one of Herald's, or a raw baseline's own. */
export function openQueue(env: HeraldEnv, name: string): Queue {
  return new Queue(name, { connection: redisUrlOptions(env.REDIS_URL), prefix: env.QUEUE_PREFIX });
}

/** Jobs not finished yet, wherever BullMQ keeps them. */
export async function unfinishedJobs(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'paused', 'prioritized', 'waiting-children');
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

/**
 * The options Herald gives a send job (attempts, backoff, retention), read from a job the API itself created, so seeded
 * and baseline jobs weigh and behave exactly like Herald's without this folder restating its queue configuration.
 */
export async function learnSendJobOptions(merchant: HeraldClient, env: HeraldEnv, priority: SendQueueName): Promise<JobsOptions> {
  const created = await merchant.request('POST', '/v1/notifications', {
    channel: 'sms',
    to: { phone: '+33600000000' },
    body: 'Option probe',
    sendAt: new Date(Date.now() + FAR_FUTURE_MS).toISOString(),
    priority,
  });
  if (created.status !== 201) throw new Error(`creating the probe notification answered ${created.status}: ${JSON.stringify(created.body)}`);
  const queue = openQueue(env, priority);
  const job = await queue.getJob(sendJobId(created.body.id)).finally(() => queue.close());
  const cancelled = await merchant.request('POST', `/v1/notifications/${created.body.id}/cancel`);
  if (cancelled.status !== 200) throw new Error(`cancelling the probe notification answered ${cancelled.status}`);
  if (!job) throw new Error(`the API created no job for the probe notification in the ${priority} queue`);
  const { jobId, delay, ...options } = job.opts;
  return options;
}
