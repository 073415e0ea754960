import { JobsOptions, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { CRITICAL_QUEUE } from '../../libs/queues/src/queue-names';
import { TWILIO_FROM } from '../../test/support/herald-stack';
import type { RawWorkerConfig, RawWorkerMessage } from '../baselines/raw-worker';
import type { SdkWorkerConfig, SdkWorkerMessage } from '../baselines/sdk-worker';
import { BaselineProcess } from './baseline-process';
import { BenchStack, CRITICAL_CONCURRENCY, startBenchStack } from './bench-stack';
import { CpuMeter, CpuUse } from './cpu-meter';
import { BenchOptions } from './measurement';
import { learnSendJobOptions, openQueue, unfinishedJobs } from './queues';
import { addInChunks, addSendJobs, insertDueSms, SMS_BODY } from './seed';
import { waitForProviderCalls, waitUntil } from './wait';

const READY_TIMEOUT_MS = 30_000;
const RAW_QUEUE = 'raw-drain';
const SDK_QUEUE = 'sdk-ceiling-drain';
const CHANNEL_QUEUE = 'herald-channel-drain';
const NAIVE_QUEUE = 'naive-peer-drain';
const BARE_QUEUE = 'bare-transport-drain';
/** Each baseline's recipients are numbered apart from Herald's (10,000,000 onwards) and from each other's. */
const FIRST_PHONE: Record<SdkWorkerConfig['mode'], number> = {
  'sdk-ceiling': 20_000_000,
  'naive-peer': 30_000_000,
  'herald-channel': 40_000_000,
  'bare-transport': 50_000_000,
};
/** Herald's Postgres pool size (dataSourceOptions), given to the naive peer too. */
const POOL_SIZE = 20;

export interface Drain {
  count: number;
  /** Date.now() when the queue was released. */
  startedAt: number;
  elapsedMs: number;
  perSecond: number;
  /** CPU used by every process involved, from the release of the queue to the last job's end. */
  cpu: CpuUse;
  /** Herald only: how many sends shared each commit of their claims and of their `sent` writes, on average. */
  sendsPerCommit?: { claim: number; sent: number };
}

export interface Drains {
  herald: Drain;
  /** BullMQ no-op jobs. */
  raw: Drain;
  /** Only with `providerBaselines`: BullMQ + the Twilio SDK call, no database. */
  sdkCeiling?: Drain;
  /** Only with `providerBaselines`: read the row with pg, the SDK call, one UPDATE. */
  naivePeer?: Drain;
  /** Only with `providerBaselines`: BullMQ + Herald's SMS channel (the SDK over undici), no database. */
  heraldChannel?: Drain;
  /** Only with `providerBaselines`: BullMQ + the same form posted over undici's pool: no SDK, no database. */
  bareTransport?: Drain;
}

/**
 * Herald against its baselines on one environment: `count` queued SMS drained by `processes` Herald workers to the
 * Twilio fake until the last is `sent` in Postgres, then `count` no-op jobs drained by as many raw worker processes,
 * and with `providerBaselines` as many SDK-only and naive read-send-update jobs (one process each, at Herald's
 * concurrency, on the same fake). Queues are paused while they are filled and the workers start, so each clock starts
 * at `resume()`.
 */
export async function measureDrains(
  options: BenchOptions,
  scenario: string,
  count: number,
  processes: number,
  { providerBaselines = false } = {},
): Promise<Drains> {
  const stack = await startBenchStack(options, scenario);
  try {
    const jobOptions = await learnSendJobOptions(stack.merchant, stack.environment.env, CRITICAL_QUEUE);
    const herald = await heraldDrain(stack, jobOptions, count, processes);
    await stack.stopWorkers();
    const raw = await rawDrain(stack, jobOptions, count, processes);
    if (!providerBaselines) return { herald, raw };
    const sdkCeiling = await sdkDrain(stack, jobOptions, count, 'sdk-ceiling');
    const naivePeer = await sdkDrain(stack, jobOptions, count, 'naive-peer');
    const heraldChannel = await sdkDrain(stack, jobOptions, count, 'herald-channel');
    const bareTransport = await sdkDrain(stack, jobOptions, count, 'bare-transport');
    return { herald, raw, sdkCeiling, naivePeer, heraldChannel, bareTransport };
  } finally {
    await stack.stop();
  }
}

/** The processes every drain involves besides its workers: the bench process serves the Twilio fake and polls. */
function startCpuMeter(stack: BenchStack, workerPids: number[]): Promise<CpuMeter> {
  const { env } = stack.environment;
  return CpuMeter.start({
    processes: { worker: workerPids, api: [stack.api.child.pid!], 'fake + harness': [process.pid] },
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
  });
}

async function heraldDrain(stack: BenchStack, jobOptions: JobsOptions, count: number, processes: number): Promise<Drain> {
  const { environment, twilio } = stack;
  const queue = openQueue(environment.env, CRITICAL_QUEUE);
  try {
    await queue.pause();
    const seeded = await insertDueSms(environment, stack.merchant.merchantId, count);
    await addSendJobs(queue, seeded, jobOptions);
    await stack.startWorkers(processes);

    const cpu = await startCpuMeter(stack, stack.workers.map((w) => w.child.pid!));
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
    const used = await cpu.stop();
    const recipients = new Set(twilio.sent().map((call) => call.to));
    if (twilio.calls.length !== count || recipients.size !== count) {
      throw new Error(`expected ${count} accepted provider calls to distinct recipients, got ${twilio.calls.length} calls to ${recipients.size}`);
    }
    return { ...drain(count, startedAt, last - startedAt, used), sendsPerCommit: await sendsPerCommit(stack) };
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
    return await timedQueueDrain(stack, queue, count, workers.map((w) => w.pid));
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await queue.close();
  }
}

/**
 * One process of bench/baselines/sdk-worker.ts draining `count` jobs to the fake at `concurrency` (Herald's default
 * unless given): SDK calls only, or the naive peer with its own `count` queued notifications in Postgres (recipients of
 * their own, so every call is checked distinct).
 */
export async function sdkDrain(
  stack: BenchStack,
  jobOptions: JobsOptions,
  count: number,
  mode: SdkWorkerConfig['mode'],
  { concurrency = CRITICAL_CONCURRENCY } = {},
): Promise<Drain> {
  const { environment, twilio } = stack;
  const { env } = environment;
  const name = { 'naive-peer': NAIVE_QUEUE, 'sdk-ceiling': SDK_QUEUE, 'herald-channel': CHANNEL_QUEUE, 'bare-transport': BARE_QUEUE }[mode];
  const queue = openQueue(env, name);
  const config: SdkWorkerConfig = {
    mode,
    redisUrl: env.REDIS_URL,
    prefix: env.QUEUE_PREFIX,
    queue: name,
    concurrency,
    twilio: { url: twilio.url, accountSid: twilio.accountSid, authToken: twilio.authToken, from: TWILIO_FROM },
    databaseUrl: env.DATABASE_URL,
    poolSize: POOL_SIZE,
  };
  const worker = BaselineProcess.start<SdkWorkerMessage>('sdk-worker', config);
  const callsBefore = twilio.calls.length;
  try {
    await queue.pause();
    const firstPhone = FIRST_PHONE[mode];
    if (mode === 'naive-peer') {
      const seeded = await insertDueSms(environment, stack.merchant.merchantId, count, firstPhone);
      await addInChunks(queue, seeded, (n) => ({ name: 'send', data: { notificationId: n.id }, opts: { ...jobOptions, jobId: `naive-${n.id}` } }));
    } else {
      const recipients = Array.from({ length: count }, (_, i) => `+336${String(firstPhone + i).padStart(8, '0')}`);
      await addInChunks(queue, recipients, (to) => ({ name: 'send', data: { to, body: SMS_BODY }, opts: { ...jobOptions, jobId: `${mode}-${to}` } }));
    }
    await worker.next('ready', READY_TIMEOUT_MS);
    const drained = await timedQueueDrain(stack, queue, count, [worker.pid]);
    const calls = twilio.calls.slice(callsBefore);
    const recipients = new Set(calls.filter((call) => call.status === 201).map((call) => call.to));
    if (calls.length !== count || recipients.size !== count) {
      throw new Error(`${mode}: expected ${count} accepted provider calls to distinct recipients, got ${calls.length} calls to ${recipients.size}`);
    }
    return drained;
  } finally {
    await worker.stop();
    await queue.close();
  }
}

/** Resumes the paused `queue` and times it until no job is left, measuring the CPU of `workerPids` and the rest. */
async function timedQueueDrain(stack: BenchStack, queue: Queue, count: number, workerPids: number[]): Promise<Drain> {
  const cpu = await startCpuMeter(stack, workerPids);
  const startedAt = Date.now();
  await queue.resume();
  await waitUntil(`the ${queue.name} queue to drain ${count} jobs`, async () => (await unfinishedJobs(queue)) === 0, drainTimeoutMs(count), 10);
  const elapsedMs = Date.now() - startedAt;
  return drain(count, startedAt, elapsedMs, await cpu.stop());
}

/** The history events of the claims and of the `sent` writes, over the transactions that wrote them. */
async function sendsPerCommit(stack: BenchStack): Promise<{ claim: number; sent: number }> {
  const rows = await stack.environment.query<{ status: string; perCommit: number }>(
    `SELECT status, count(*)::float8 / count(DISTINCT xmin::text) AS "perCommit" FROM notification_events WHERE status IN ('sending', 'sent') GROUP BY status`,
  );
  const of = (status: string) => rows.find((row) => row.status === status)?.perCommit ?? 0;
  return { claim: of('sending'), sent: of('sent') };
}

function drain(count: number, startedAt: number, elapsedMs: number, cpu: CpuUse): Drain {
  return { count, startedAt, elapsedMs, perSecond: (count * 1000) / elapsedMs, cpu };
}

/** Generous: a drain slower than 100 jobs/s is broken, not slow. */
function drainTimeoutMs(count: number): number {
  return 30_000 + count * 10;
}
