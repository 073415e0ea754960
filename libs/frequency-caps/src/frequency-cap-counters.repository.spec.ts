import { randomUUID } from 'node:crypto';
import { parseEnvironment } from '@herald/config';
import { RedisClients } from '@herald/redis';
import { FrequencyCapCounters } from './frequency-cap-counters.repository';

const LOCAL_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The counters on the machine's real Redis, under a prefix of this run's own. */
describe('frequency cap counters in Redis', () => {
  const config = parseEnvironment({ REDIS_URL: LOCAL_REDIS, QUEUE_PREFIX: `herald-test-${process.pid}_fcap` });
  const clients = new RedisClients(config);
  const counters = new FrequencyCapCounters(config, clients);
  const window = { day: '2026-12-07', week: '2026-W50', dayExpiresAt: new Date(Date.now() + 3600_000), weekExpiresAt: new Date(Date.now() + 7200_000) };
  afterAll(async () => {
    const redis = clients.create('spec-cleanup');
    const keys = await redis.keys(`{${config.queuePrefix}:*`);
    if (keys.length) await Promise.all(keys.map((key) => redis.del(key)));
    clients.onApplicationShutdown();
  });

  async function freshMerchant(): Promise<{ merchantId: string; generation: string }> {
    const merchantId = randomUUID();
    expect(await counters.rebuild(merchantId, 'UTC', async () => [])).toBe(true);
    return { merchantId, generation: (await counters.generation(merchantId))! };
  }

  it('admits up to the cap, counts a retried message once, and takes a cancelled one back', async () => {
    const { merchantId, generation } = await freshMerchant();
    const caps = { perDay: 1, perWeek: 0 };
    expect(await counters.admit(merchantId, generation, 'campaign-a', window, ['ada', 'bob'], caps)).toEqual([true, true]);
    // The same chunk again (a retried fan-out): admitted, not counted twice.
    expect(await counters.admit(merchantId, generation, 'campaign-a', window, ['ada', 'bob'], caps)).toEqual([true, true]);
    expect(await counters.admit(merchantId, generation, 'campaign-b', window, ['ada', 'bob', 'cyd'], caps)).toEqual([false, false, true]);
    await counters.takeBack(merchantId, 'campaign-a', window, ['ada']);
    expect(await counters.admit(merchantId, generation, 'campaign-b', window, ['ada', 'bob'], caps)).toEqual([true, false]);
  });

  it('holds the weekly cap across days', async () => {
    const { merchantId, generation } = await freshMerchant();
    const caps = { perDay: 0, perWeek: 2 };
    const days = ['2026-12-07', '2026-12-08', '2026-12-09'].map((day) => ({ ...window, day }));
    const admitted = [];
    for (const [i, day] of days.entries()) admitted.push((await counters.admit(merchantId, generation, `campaign-${i}`, day, ['ada'], caps))![0]);
    expect(admitted).toEqual([true, true, false]);
  });

  it('gives exactly the cap under 50 concurrent admissions for one customer', async () => {
    const { merchantId, generation } = await freshMerchant();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => counters.admit(merchantId, generation, `campaign-${i}`, window, ['ada'], { perDay: 3, perWeek: 0 })),
    );
    expect(answers.filter((flags) => flags![0]).length).toBe(3);
  });

  it('admits nothing under a generation that is no longer current, until the counters are rebuilt', async () => {
    const { merchantId, generation } = await freshMerchant();
    await counters.invalidate(merchantId);
    expect(await counters.admit(merchantId, generation, 'campaign-a', window, ['ada'], { perDay: 1, perWeek: 0 })).toBeNull();
    expect(
      await counters.rebuild(merchantId, 'UTC', async () => [{ customerId: 'ada', message: 'campaign-old', ...window }]),
    ).toBe(true);
    const rebuilt = (await counters.generation(merchantId))!;
    expect(rebuilt).not.toBe(generation);
    // The rebuilt counts hold what Postgres said: Ada already had her message today.
    expect(await counters.admit(merchantId, rebuilt, 'campaign-a', window, ['ada', 'bob'], { perDay: 1, perWeek: 0 })).toEqual([false, true]);
  });
});
