import { Queue } from 'bullmq';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CRITICAL_QUEUE, sendJobId } from '../../libs/queues/src/queue-names';
import { HeraldProcess } from '../../test/support/herald-process';
import { ROOT } from '../../test/support/test-environment';
import type { RawReconcileConfig, RawReconcileMessage } from '../baselines/raw-reconcile';
import { BaselineProcess } from '../support/baseline-process';
import { BenchStack, startBenchStack } from '../support/bench-stack';
import { count, ratio, seconds } from '../support/format';
import { Measurement, Scenario } from '../support/measurement';
import { learnSendJobOptions, openQueue, unfinishedJobs } from '../support/queues';
import { deleteKeys } from '../support/redis-memory';
import { SeededNotification, seedPendingWork } from '../support/seed';
import { waitUntil } from '../support/wait';

/** Herald's rebuild ÷ raw BullMQ adding the same jobs, at most. */
const GOAL_RATIO = 2.0;
const REBUILD_TIMEOUT_MS = 180_000;
/** How far a rebuilt job's due time may drift from its notification's scheduled time. */
const DUE_TOLERANCE_MS = 1000;
const DUE_CHECK_SAMPLE = 100;

/**
 * Redis loses everything under Herald's prefix while `size` reminders are pending (the worker is stopped, as after
 * a Redis restart that took the workers down with it): the time from the loss until a freshly started worker has put
 * every one of them back from Postgres, as a delayed job under its own id and due at its time. Its baseline, in the
 * same run and its own process: raw BullMQ adding the same jobs with addBulk, on an emptied Redis again.
 */
export const reconcile: Scenario = {
  name: 'reconcile',
  async run(options) {
    const size = options.quick ? 5_000 : 100_000;
    const metric = `rebuild ${count(size)} pending after Redis loss ÷ raw addBulk of the same jobs`;
    const goal = `≤ ${GOAL_RATIO.toFixed(1)}×`;
    if (!reconcilerBuilt()) return [notAvailable(metric, goal)];

    const stack = await startBenchStack(options, 'reconcile');
    const { environment } = stack;
    const redis = environment.redis();
    const queue = openQueue(environment.env, CRITICAL_QUEUE);
    try {
      const jobOptions = await learnSendJobOptions(stack.merchant, environment.env, CRITICAL_QUEUE);
      const seeded = await seedPendingWork(environment, queue, stack.merchant.merchantId, size, jobOptions);

      await deleteKeys(redis, environment.env.QUEUE_PREFIX);
      const lostAt = Date.now();
      const worker = stack.spawnWorker();
      await waitUntil(`${count(size)} jobs to be rebuilt`, async () => (await missingJobs(queue, seeded)) === 0, REBUILD_TIMEOUT_MS, 100);
      const rebuiltAfter = Date.now() - lostAt;
      await worker.waitForOutput('Herald worker up', REBUILD_TIMEOUT_MS);
      const rebuildMs = bootReconciliationMs(worker);
      const misdated = await misdatedJobs(queue, seeded.slice(0, DUE_CHECK_SAMPLE));

      await stack.stopWorkers();
      await deleteKeys(redis, environment.env.QUEUE_PREFIX);
      const raw = await rawAddBulk(stack, seeded, jobOptions);
      return [
        {
          scenario: 'reconcile',
          metric,
          herald: seconds(rebuildMs),
          baseline: seconds(raw.ms),
          ratio: ratio(rebuildMs, raw.ms),
          goal,
          met: rebuildMs / raw.ms <= GOAL_RATIO && misdated === 0,
          details: [
            `Herald: the worker's boot reconciliation took ${seconds(rebuildMs)} (its own figure: reading Postgres a page at a time, ` +
              `asking Redis which jobs are missing, adding them); from the loss to every job back ${seconds(rebuiltAfter)}, ` +
              `the worker's start included; ${misdated} of ${DUE_CHECK_SAMPLE} rebuilt jobs checked due at the wrong time`,
            `raw BullMQ: the same ${count(size)} jobs (ids, name, data, options, due times) with Queue.addBulk 1,000 at a time ` +
              `from one process that already knows them: ${seconds(raw.ms)}, ${raw.cpuMs.toFixed(0)} ms of its own CPU`,
          ],
        },
      ];
    } finally {
      redis.disconnect();
      await queue.close();
      await stack.stop();
    }
  },
};

/** What the worker's boot reconciliation says it took (its `boot reconciliation done` log line). */
function bootReconciliationMs(worker: HeraldProcess): number {
  const line = worker.output.split('\n').find((l) => l.includes('boot reconciliation done'));
  const reported = line ? Number(/"ms":(\d+)/.exec(line)?.[1]) : NaN;
  if (!Number.isFinite(reported)) throw new Error(`the worker did not log its boot reconciliation's duration:\n${worker.output}`);
  return reported;
}

async function rawAddBulk(stack: BenchStack, seeded: SeededNotification[], jobOptions: RawReconcileConfig['jobOptions']): Promise<RawReconcileMessage> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-reconcile-'));
  const notificationsFile = join(dir, 'notifications.json');
  writeFileSync(notificationsFile, JSON.stringify(seeded));
  const { env } = stack.environment;
  const config: RawReconcileConfig = { redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX, queue: `raw-${CRITICAL_QUEUE}`, jobOptions, notificationsFile };
  const baseline = BaselineProcess.start<RawReconcileMessage>('raw-reconcile', config);
  try {
    return await baseline.next('result', REBUILD_TIMEOUT_MS);
  } finally {
    await baseline.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The rebuild is being built: the scenario runs once a compiled file named for it exists. */
function reconcilerBuilt(): boolean {
  const search = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((entry) =>
      entry.isDirectory() ? search(join(dir, entry.name)) : /reconcil.*\.js$/i.test(entry.name),
    );
  return ['apps', 'libs'].some((top) => search(join(ROOT, 'dist', top)));
}

function notAvailable(metric: string, goal: string): Measurement {
  return {
    scenario: 'reconcile',
    metric,
    herald: 'not available yet',
    baseline: '—',
    ratio: '—',
    goal,
    met: null,
    details: ['Herald has no Redis-loss rebuild yet (no compiled *reconcil*.js under dist/apps or dist/libs): nothing measured'],
  };
}

/** Seeded notifications without a job; counts cheaply until the queue holds enough jobs to be worth checking. */
async function missingJobs(queue: Queue, seeded: SeededNotification[]): Promise<number> {
  if ((await unfinishedJobs(queue)) < seeded.length) return seeded.length;
  const jobIds = new Set(await queue.getRanges(['delayed', 'waiting'], 0, -1));
  return seeded.filter((n) => !jobIds.has(sendJobId(n.id))).length;
}

async function misdatedJobs(queue: Queue, sample: SeededNotification[]): Promise<number> {
  let misdated = 0;
  for (const notification of sample) {
    const job = await queue.getJob(sendJobId(notification.id));
    if (!job || Math.abs(job.timestamp + (job.opts.delay ?? 0) - notification.dueAt) > DUE_TOLERANCE_MS) misdated += 1;
  }
  return misdated;
}
