import { CRITICAL_QUEUE, SEND_NOTIFICATION_JOB, sendJobId } from '../../libs/queues/src/queue-names';
import { TestEnvironment } from '../../test/support/test-environment';
import { startBenchStack } from '../support/bench-stack';
import { bytes, count, ratio } from '../support/format';
import { Scenario } from '../support/measurement';
import { learnSendJobOptions, openQueue } from '../support/queues';
import { keysMemory, usedMemory } from '../support/redis-memory';
import { addInChunks, seedPendingWork } from '../support/seed';

const GOAL_REDIS_BYTES = 1024;
const RAW_QUEUE = 'raw-footprint';
/** Every sent notification carries four events: scheduled or queued, then sending, sent, delivered. */
const EVENTS_WHEN_DELIVERED = 4;

/**
 * Redis bytes per pending reminder (INFO used_memory delta over the count, with the queue's own keys summed as a
 * check), next to a raw BullMQ delayed job carrying the same id and payload with no options; and Postgres bytes per
 * notification and per history event, indexes included.
 */
export const footprint: Scenario = {
  name: 'footprint',
  async run(options) {
    const size = options.quick ? 5_000 : 100_000;
    // No worker: the reminders only wait.
    const stack = await startBenchStack(options, 'footprint');
    const { environment } = stack;
    const redis = environment.redis();
    const queue = openQueue(environment.env, CRITICAL_QUEUE);
    const rawQueue = openQueue(environment.env, RAW_QUEUE);
    try {
      const jobOptions = await learnSendJobOptions(stack.merchant, environment.env, CRITICAL_QUEUE);
      const tablesBefore = await tableBytes(environment);
      const redisBefore = await usedMemory(redis);
      const seeded = await seedPendingWork(environment, queue, stack.merchant.merchantId, size, jobOptions);
      const herald = (await usedMemory(redis)) - redisBefore;
      const heraldKeys = await keysMemory(redis, `${environment.env.QUEUE_PREFIX}:${CRITICAL_QUEUE}:*`);
      const tablesAfter = await tableBytes(environment);

      const rawBefore = await usedMemory(redis);
      await addInChunks(rawQueue, seeded, (n, now) => ({
        name: SEND_NOTIFICATION_JOB,
        data: { notificationId: n.id },
        opts: { jobId: sendJobId(n.id), delay: n.dueAt - now },
      }));
      const raw = (await usedMemory(redis)) - rawBefore;
      const rawKeys = await keysMemory(redis, `${environment.env.QUEUE_PREFIX}:${RAW_QUEUE}:*`);

      const perNotification = (tablesAfter.notifications - tablesBefore.notifications) / size;
      const perEvent = (tablesAfter.events - tablesBefore.events) / size;
      return [
        {
          scenario: 'footprint',
          metric: `Redis bytes per pending reminder, ${count(size)} pending`,
          herald: bytes(herald / size),
          baseline: bytes(raw / size),
          ratio: ratio(herald, raw),
          goal: `≤ ${bytes(GOAL_REDIS_BYTES)}`,
          met: herald / size <= GOAL_REDIS_BYTES,
          details: [
            `Redis, the queue's own keys (MEMORY USAGE summed): Herald ${bytes(heraldKeys / size)}, raw ${bytes(rawKeys / size)} per job`,
            `raw baseline: a BullMQ delayed job with the same id and payload and no job options (Herald's carry attempts, backoff and retention)`,
          ],
        },
        {
          scenario: 'footprint',
          metric: 'Postgres bytes per notification with its events',
          herald: bytes(perNotification + EVENTS_WHEN_DELIVERED * perEvent),
          baseline: '—',
          ratio: '—',
          goal: 'report',
          met: null,
          details: [
            `Postgres, tables and indexes: ${bytes(perNotification)} per notification, ${bytes(perEvent)} per history event; ` +
              `a delivered notification (${EVENTS_WHEN_DELIVERED} events) ≈ ${bytes(perNotification + EVENTS_WHEN_DELIVERED * perEvent)}`,
          ],
        },
      ];
    } finally {
      redis.disconnect();
      await Promise.all([queue.close(), rawQueue.close()]);
      await stack.stop();
    }
  },
};

async function tableBytes(environment: TestEnvironment): Promise<{ notifications: number; events: number }> {
  const [row] = await environment.query<{ notifications: string; events: string }>(
    `SELECT pg_total_relation_size('notifications') AS notifications, pg_total_relation_size('notification_events') AS events`,
  );
  return { notifications: Number(row.notifications), events: Number(row.events) };
}
