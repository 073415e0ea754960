import { JobsOptions } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { CRITICAL_QUEUE } from '../../libs/queues/src/queue-names';
import type { RawWorkerConfig, RawWorkerMessage } from '../baselines/raw-worker';
import { BaselineProcess } from '../support/baseline-process';
import { BenchStack, CRITICAL_CONCURRENCY, startBenchStack } from '../support/bench-stack';
import { count, latencies, ms, msOver } from '../support/format';
import { Scenario } from '../support/measurement';
import { learnSendJobOptions, openQueue } from '../support/queues';
import { addInChunks, addSendJobs, FAR_FUTURE_MS, insertNotifications, SeededNotification } from '../support/seed';
import { distribution } from '../support/stats';
import { waitForProviderCalls } from '../support/wait';

const GOAL = { p99Ms: 150, overRawMs: 30 };
/** The due sends start this long after seeding begins, well after their jobs are all in Redis. */
const LEAD_MS = 3_000;
const RAW_QUEUE = 'raw-delayed';

interface Load {
  pending: number;
  due: number;
  /** The due sends are spread evenly over this window. */
  windowMs: number;
}

/** Provider-call time minus due time for sends falling due among a large pending backlog, next to raw BullMQ. */
export const lateness: Scenario = {
  name: 'lateness',
  async run(options) {
    const load: Load = options.quick ? { pending: 5_000, due: 300, windowMs: 3_000 } : { pending: 100_000, due: 2_000, windowMs: 10_000 };
    const stack = await startBenchStack(options, 'lateness');
    try {
      const jobOptions = await learnSendJobOptions(stack.merchant, stack.environment.env, CRITICAL_QUEUE);
      const herald = distribution(await heraldLateness(stack, jobOptions, load));
      await stack.stopWorkers();
      const raw = distribution(await rawLateness(stack, jobOptions, load));
      return [
        {
          scenario: 'lateness',
          metric: `p99 of ${count(load.due)} due among ${count(load.pending)} pending`,
          herald: ms(herald.p99),
          baseline: ms(raw.p99),
          ratio: msOver(herald.p99, raw.p99),
          goal: `p99 ≤ ${GOAL.p99Ms} ms, ≤ raw + ${GOAL.overRawMs} ms`,
          met: herald.p99 <= GOAL.p99Ms && herald.p99 <= raw.p99 + GOAL.overRawMs,
          details: [
            `Herald, provider call minus due time: ${latencies(herald)} (${count(herald.count)} sends over ${load.windowMs / 1000} s)`,
            `raw BullMQ delayed jobs, processor start minus due time: ${latencies(raw)}`,
          ],
        },
      ];
    } finally {
      await stack.stop();
    }
  },
};

async function heraldLateness(stack: BenchStack, jobOptions: JobsOptions, load: Load): Promise<number[]> {
  const { environment, twilio } = stack;
  await stack.startWorkers(1);
  const queue = openQueue(environment.env, CRITICAL_QUEUE);
  try {
    const batch = { merchantId: stack.merchant.merchantId, priority: CRITICAL_QUEUE, status: 'scheduled' } as const;
    const pending = await insertNotifications(environment, {
      ...batch,
      count: load.pending,
      firstDueAt: Date.now() + FAR_FUTURE_MS,
      spacingMs: 1000,
      firstPhone: 10_000_000,
    });
    await addSendJobs(queue, pending, jobOptions);
    const due = await insertNotifications(environment, {
      ...batch,
      count: load.due,
      firstDueAt: Date.now() + LEAD_MS,
      spacingMs: load.windowMs / load.due,
      firstPhone: 30_000_000,
    });
    await addSendJobs(queue, due, jobOptions);
    await waitForProviderCalls(twilio, load.due, LEAD_MS + load.windowMs + 60_000);
    return latenessOf(due, twilio.sent());
  } finally {
    await queue.close();
  }
}

function latenessOf(due: SeededNotification[], calls: { to: string; at: number }[]): number[] {
  const dueAt = new Map(due.map((n) => [n.recipient, n.dueAt]));
  return calls.map((call) => {
    const at = dueAt.get(call.to);
    if (at === undefined) throw new Error(`a provider call went to ${call.to}, which was not due`);
    return call.at - at;
  });
}

async function rawLateness(stack: BenchStack, jobOptions: JobsOptions, load: Load): Promise<number[]> {
  const { env } = stack.environment;
  const config: RawWorkerConfig = {
    redisUrl: env.REDIS_URL,
    prefix: env.QUEUE_PREFIX,
    queues: [{ name: RAW_QUEUE, concurrency: CRITICAL_CONCURRENCY }],
    collectLateness: load.due,
  };
  const worker = BaselineProcess.start<RawWorkerMessage>('raw-worker', config);
  const queue = openQueue(env, RAW_QUEUE);
  try {
    await worker.next('ready', 30_000);
    const rawJob = (dueAt: number, now: number) => ({
      name: 'noop',
      data: { notificationId: randomUUID(), dueAt },
      opts: { ...jobOptions, jobId: `raw-${randomUUID()}`, delay: Math.max(0, dueAt - now) },
    });
    const farFuture = Date.now() + FAR_FUTURE_MS;
    await addInChunks(queue, Array.from({ length: load.pending }, (_, i) => farFuture + i * 1000), rawJob);
    const firstDue = Date.now() + LEAD_MS;
    await addInChunks(queue, Array.from({ length: load.due }, (_, i) => Math.round(firstDue + (i * load.windowMs) / load.due)), rawJob);
    return (await worker.next('lateness', LEAD_MS + load.windowMs + 30_000)).values;
  } finally {
    await worker.stop();
    await queue.close();
  }
}
