/**
 * The raw BullMQ ceiling: plain Workers with a no-op processor, in their own process as Herald's worker runs in its
 * own. Says `ready` once its workers are connected. With `collectLateness`, records for each job its due time (carried
 * in its data) and the time it started minus that, and sends them all once that many jobs have run.
 */
import { Job, Worker } from 'bullmq';
import { redisUrlOptions } from '../../libs/redis/src/redis-clients';

export interface RawWorkerConfig {
  redisUrl: string;
  prefix: string;
  queues: { name: string; concurrency: number }[];
  collectLateness?: number;
}

/** A send's due time and how late it started (or reached the provider), in ms. */
export interface DueLateness {
  dueAt: number;
  lateMs: number;
}

export type RawWorkerMessage = { type: 'ready' } | { type: 'lateness'; values: DueLateness[] };

const config: RawWorkerConfig = JSON.parse(process.argv[2]);
const lateness: DueLateness[] = [];
const send = (message: RawWorkerMessage) => process.send!(message);

function recordLateness(job: Job<{ dueAt: number }>): void {
  lateness.push({ dueAt: job.data.dueAt, lateMs: Date.now() - job.data.dueAt });
  if (lateness.length === config.collectLateness) send({ type: 'lateness', values: lateness });
}

const workers = config.queues.map(
  ({ name, concurrency }) =>
    new Worker(name, async (job) => (config.collectLateness ? recordLateness(job) : undefined), {
      connection: redisUrlOptions(config.redisUrl),
      prefix: config.prefix,
      concurrency,
    }),
);

process.once('SIGTERM', () => {
  void Promise.all(workers.map((worker) => worker.close())).then(() => process.exit(0));
});

void Promise.all(workers.map((worker) => worker.waitUntilReady())).then(() => send({ type: 'ready' }));
