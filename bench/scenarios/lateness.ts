import { JobsOptions } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { CRITICAL_QUEUE } from '../../libs/queues/src/queue-names';
import type { DueLateness, RawWorkerConfig, RawWorkerMessage } from '../baselines/raw-worker';
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
  /**
   * Sends due at the same rate just before the window, left out of its figures and reported on their own: a fresh
   * process's first sends run code V8 has not compiled yet, open connections and pay first-use costs, which says how
   * a process starts, not how it keeps time. Herald and raw BullMQ get the same.
   */
  warmUp: number;
}

/** The sends falling due from `firstDueAt` at the load's rate: the warm-up's first, then the measured ones. */
function dueTimes(load: Load, firstDueAt: number): number[] {
  return Array.from({ length: load.warmUp + load.due }, (_, i) => Math.round(firstDueAt + (i * load.windowMs) / load.due));
}

/** Splits sends into the warm-up and the measured window (half a spacing early: seeded due times are rounded). */
function split(values: DueLateness[], load: Load, times: number[]) {
  const measuredFrom = times[load.warmUp] - load.windowMs / load.due / 2;
  return {
    warmUp: distribution(values.filter((v) => v.dueAt < measuredFrom).map((v) => v.lateMs)),
    measured: distribution(values.filter((v) => v.dueAt >= measuredFrom).map((v) => v.lateMs)),
  };
}

/** Provider-call time minus due time for sends falling due among a large pending backlog, next to raw BullMQ. */
export const lateness: Scenario = {
  name: 'lateness',
  async run(options) {
    const load: Load = options.quick ? { pending: 5_000, due: 300, windowMs: 3_000, warmUp: 30 } : { pending: 100_000, due: 2_000, windowMs: 10_000, warmUp: 200 };
    const stack = await startBenchStack(options, 'lateness');
    try {
      const jobOptions = await learnSendJobOptions(stack.merchant, stack.environment.env, CRITICAL_QUEUE);
      const herald = await heraldLateness(stack, jobOptions, load);
      await stack.stopWorkers();
      const raw = await rawLateness(stack, jobOptions, load);
      return [
        {
          scenario: 'lateness',
          metric: `p99 of ${count(load.due)} due among ${count(load.pending)} pending`,
          herald: ms(herald.measured.p99),
          baseline: ms(raw.measured.p99),
          ratio: msOver(herald.measured.p99, raw.measured.p99),
          goal: `p99 ≤ ${GOAL.p99Ms} ms, ≤ raw + ${GOAL.overRawMs} ms`,
          met: herald.measured.p99 <= GOAL.p99Ms && herald.measured.p99 <= raw.measured.p99 + GOAL.overRawMs,
          details: [
            `Herald, provider call minus due time: ${latencies(herald.measured)} (${count(herald.measured.count)} sends over ${load.windowMs / 1000} s)`,
            `raw BullMQ delayed jobs, processor start minus due time: ${latencies(raw.measured)}`,
            `the ${count(load.warmUp)} sends due at the same rate just before (a fresh process's first, not in the figures above): Herald ${latencies(herald.warmUp)}; raw ${latencies(raw.warmUp)}`,
          ],
        },
      ];
    } finally {
      await stack.stop();
    }
  },
};

async function heraldLateness(stack: BenchStack, jobOptions: JobsOptions, load: Load) {
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
    const times = dueTimes(load, Date.now() + LEAD_MS);
    const due = await insertNotifications(environment, {
      ...batch,
      count: times.length,
      firstDueAt: times[0],
      spacingMs: load.windowMs / load.due,
      firstPhone: 30_000_000,
    });
    await addSendJobs(queue, due, jobOptions);
    await waitForProviderCalls(twilio, due.length, LEAD_MS + (load.windowMs * times.length) / load.due + 60_000);
    return split(latenessOf(due, twilio.sent()), load, times);
  } finally {
    await queue.close();
  }
}

function latenessOf(due: SeededNotification[], calls: { to: string; at: number }[]): DueLateness[] {
  const dueAt = new Map(due.map((n) => [n.recipient, n.dueAt]));
  return calls.map((call) => {
    const at = dueAt.get(call.to);
    if (at === undefined) throw new Error(`a provider call went to ${call.to}, which was not due`);
    return { dueAt: at, lateMs: call.at - at };
  });
}

async function rawLateness(stack: BenchStack, jobOptions: JobsOptions, load: Load) {
  const { env } = stack.environment;
  const config: RawWorkerConfig = {
    redisUrl: env.REDIS_URL,
    prefix: env.QUEUE_PREFIX,
    queues: [{ name: RAW_QUEUE, concurrency: CRITICAL_CONCURRENCY }],
    collectLateness: load.warmUp + load.due,
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
    const times = dueTimes(load, Date.now() + LEAD_MS);
    await addInChunks(queue, times, rawJob);
    const { values } = await worker.next('lateness', LEAD_MS + (load.windowMs * times.length) / load.due + 30_000);
    return split(values, load, times);
  } finally {
    await worker.stop();
    await queue.close();
  }
}
