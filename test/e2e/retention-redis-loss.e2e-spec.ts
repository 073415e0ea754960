import { Queue } from 'bullmq';
import { DateTime } from 'luxon';
import { setTimeout as sleep } from 'node:timers/promises';
import { BULK_QUEUE, RETENTION_TICK_JOB } from '@herald/queues';
import { HeraldStack, startStack } from '../support/herald-stack';
import { PrivateRedis } from '../support/private-redis';
import { seedFinishedOrders } from '../support/retention-seed';

jest.setTimeout(180_000);

describe('data retention: Redis loses its data in the middle of a purge', () => {
  let redis: PrivateRedis;
  let stack: HeraldStack;
  let bulk: Queue;
  const today = () => DateTime.utc().toISODate()!;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    stack = await startStack({ env: { REDIS_URL: redis.url, RETENTION_TICK_EVERY: 'PT1S', RETENTION_LEASE: 'PT5S' } });
    bulk = new Queue(BULK_QUEUE, { connection: { url: redis.url }, prefix: stack.environment.env.QUEUE_PREFIX });
    await runDone(30_000);
  });
  afterAll(async () => {
    await bulk?.close();
    await stack?.stop();
    await redis?.stop();
  });

  const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => stack.environment.query<T>(sql, params);
  async function runDone(timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [run] = await query<{ state: string; attempts: number }>(`SELECT state, attempts FROM retention_runs WHERE day = $1`, [today()]);
      if (run?.state === 'done') return run;
      if (Date.now() > deadline) throw new Error(`today's purge is not done after ${timeoutMs} ms: ${JSON.stringify(run)}`);
      await sleep(100);
    }
  }
  const ordersOf = async (merchantId: string) =>
    (await query<{ count: number }>(`SELECT count(*)::int AS count FROM orders WHERE merchant_id = $1`, [merchantId]))[0].count;

  it('finishes the run, gets its schedule back, and purges again the next day', async () => {
    const shop = await stack.client.createMerchant({ name: 'Forgetful Shop' });
    expect((await shop.request('PATCH', '/v1/merchant', { retention: 'P1D' })).status).toBe(200);
    await seedFinishedOrders(query, { merchantId: shop.merchantId, orders: 8000, pickupDaysAgo: 3, eventsPerNotification: 2 });

    await query(`DELETE FROM retention_runs WHERE day = $1`, [today()]);
    for (let deadline = Date.now() + 30_000; ; await sleep(20)) {
      const [run] = await query<{ purged: { orders?: number } }>(`SELECT purged FROM retention_runs WHERE day = $1`, [today()]);
      if ((run?.purged.orders ?? 0) > 0) break;
      if (Date.now() > deadline) throw new Error('the purge did not start');
    }
    await redis.flushAll();

    // Whether the slice running at the flush queued the next one or a tick took the run over once its lease ran out.
    await runDone(120_000);
    expect(await ordersOf(shop.merchantId)).toBe(0);
    expect(Number((await bulk.getJobScheduler(RETENTION_TICK_JOB))?.every)).toBe(1000);

    await seedFinishedOrders(query, { merchantId: shop.merchantId, orders: 50, pickupDaysAgo: 3, eventsPerNotification: 2 });
    await query(`DELETE FROM retention_runs WHERE day = $1`, [today()]);
    expect(await runDone(30_000)).toMatchObject({ attempts: 1 });
    expect(await ordersOf(shop.merchantId)).toBe(0);
  });
});
