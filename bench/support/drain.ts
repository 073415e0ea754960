import { JobsOptions } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { CRITICAL_QUEUE } from '../../libs/queues/src/queue-names';
import type { RawWorkerConfig, RawWorkerMessage } from '../baselines/raw-worker';
import { BaselineProcess } from './baseline-process';
import { BenchStack, CRITICAL_CONCURRENCY, startBenchStack } from './bench-stack';
import { BenchOptions } from './measurement';
import { learnSendJobOptions, openQueue, unfinishedJobs } from './queues';
import { addInChunks, addSendJobs, insertNotifications } from './seed';
import { waitForProviderCalls, waitUntil } from './wait';

const READY_TIMEOUT_MS = 30_000;
const RAW_QUEUE = 'raw-drain';

export interface Drain {
  count: number;
  elapsedMs: number;
  perSecond: number;
}

/**
 * Herald against raw BullMQ on one environment: `count` queued SMS drained by `processes` Herald workers to the
 * Twilio fake until the last is `sent` in Postgres, then `count` no-op jobs drained by as many raw worker processes.
 * Both queues are paused while they are filled and the workers start, so the clock starts at `resume()`.
 */
export async function measureDrains(options: BenchOptions, scenario: string, count: number, processes: number): Promise<{ herald: Drain; raw: Drain }> {
  const stack = await startBenchStack(options, scenario);
  try {
    const jobOptions = await learnSendJobOptions(stack.merchant, stack.environment.env, CRITICAL_QUEUE);
    const herald = await heraldDrain(stack, jobOptions, count, processes);
    await stack.stopWorkers();
    const raw = await rawDrain(stack, jobOptions, count, processes);
    return { herald, raw };
  } finally {
    await stack.stop();
  }
}

async function heraldDrain(stack: BenchStack, jobOptions: JobsOptions, count: number, processes: number): Promise<Drain> {
  const { environment, twilio } = stack;
  const queue = openQueue(environment.env, CRITICAL_QUEUE);
  try {
    await queue.pause();
    const seeded = await insertNotifications(environment, {
      merchantId: stack.merchant.merchantId,
      count,
      priority: CRITICAL_QUEUE,
      status: 'queued',
      firstDueAt: Date.now(),
      spacingMs: 0,
      firstPhone: 10_000_000,
    });
    await addSendJobs(queue, seeded, jobOptions);
    await stack.startWorkers(processes);

    const startedAt = Date.now();
    await queue.resume();
    await waitForProviderCalls(twilio, count, drainTimeoutMs(count));
    let last = 0;
    await waitUntil(
      `${count} notifications to be sent in Postgres`,
      async () => {
        const [sent] = await environment.query<{ count: string; last: string }>(
          `SELECT count(*), round(extract(epoch FROM max(updated_at)) * 1000) AS last FROM notifications WHERE status = 'sent'`,
        );
        last = Number(sent.last);
        return Number(sent.count) === count;
      },
      10_000,
    );
    const recipients = new Set(twilio.sent().map((call) => call.to));
    if (twilio.calls.length !== count || recipients.size !== count) {
      throw new Error(`expected ${count} accepted provider calls to distinct recipients, got ${twilio.calls.length} calls to ${recipients.size}`);
    }
    return drain(count, last - startedAt);
  } finally {
    await queue.close();
  }
}

async function rawDrain(stack: BenchStack, jobOptions: JobsOptions, count: number, processes: number): Promise<Drain> {
  const { env } = stack.environment;
  const queue = openQueue(env, RAW_QUEUE);
  const config: RawWorkerConfig = { redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX, queues: [{ name: RAW_QUEUE, concurrency: CRITICAL_CONCURRENCY }] };
  const workers = Array.from({ length: processes }, () => BaselineProcess.start<RawWorkerMessage>('raw-worker', config));
  try {
    await queue.pause();
    const ids = Array.from({ length: count }, () => randomUUID());
    await addInChunks(queue, ids, (id) => ({ name: 'noop', data: { notificationId: id }, opts: { ...jobOptions, jobId: `raw-${id}` } }));
    await Promise.all(workers.map((worker) => worker.next('ready', READY_TIMEOUT_MS)));

    const startedAt = Date.now();
    await queue.resume();
    await waitUntil(`the raw queue to drain ${count} jobs`, async () => (await unfinishedJobs(queue)) === 0, drainTimeoutMs(count), 10);
    return drain(count, Date.now() - startedAt);
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await queue.close();
  }
}

function drain(count: number, elapsedMs: number): Drain {
  return { count, elapsedMs, perSecond: (count * 1000) / elapsedMs };
}

/** Generous: a drain slower than 100 jobs/s is broken, not slow. */
function drainTimeoutMs(count: number): number {
  return 30_000 + count * 10;
}
