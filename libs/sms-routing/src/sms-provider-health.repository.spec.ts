import { setTimeout as sleep } from 'node:timers/promises';
import { parseEnvironment } from '@herald/config';
import { RedisClients } from '@herald/redis';
import { MIN_SHARE, SmsProviderHealth } from './sms-provider-health.repository';

const LOCAL_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The breaker and shares on the machine's real Redis, under a prefix of this run's own. */
describe('SMS provider health in Redis', () => {
  const config = parseEnvironment({
    REDIS_URL: LOCAL_REDIS,
    QUEUE_PREFIX: `herald-test-${process.pid}_smshealth`,
    SMS_BREAKER_FAILURES: '3',
    SMS_BREAKER_COOLDOWN: 'PT0.2S',
    PROVIDER_TIMEOUT_MS: '100',
  });
  const clients = new RedisClients(config);
  const health = new SmsProviderHealth(config, clients);
  let provider = 0;
  const fresh = () => `provider-${(provider += 1)}`;
  afterAll(async () => {
    const redis = clients.create('spec-cleanup');
    const keys = [...(await redis.keys(`{${config.queuePrefix}:*`)), ...(await redis.keys(`${config.queuePrefix}:*`))];
    if (keys.length) await Promise.all(keys.map((key) => redis.del(key)));
    clients.onApplicationShutdown();
  });

  const state = async (name: string) => (await health.read([name])).get(name)!;

  it('loses share with each transient failure and opens after the third in a row; a success in between resets the count', async () => {
    const name = fresh();
    expect(await state(name)).toMatchObject({ breaker: 'closed', share: 1 });
    expect(await health.report(name, false, 100)).toBe('');
    expect(await health.report(name, true, 100)).toBe('');
    expect(await health.report(name, false, 100)).toBe('');
    expect(await health.report(name, false, 100)).toBe('');
    // 1 − 0.2 + 0.05 − 0.2 − 0.2
    expect((await state(name)).share).toBeCloseTo(0.45);
    expect(await health.report(name, false, 100)).toBe('opened');
    expect(await state(name)).toMatchObject({ breaker: 'open', share: MIN_SHARE, consecutiveFailures: 3 });
  });

  it('lets exactly one probe through after the cool-down; a failed probe reopens, a good one closes and the share grows back', async () => {
    const name = fresh();
    for (let i = 0; i < 3; i++) await health.report(name, false, 100);
    expect(await health.claimProbe(name)).toBe(false);
    await sleep(250);
    const claims = await Promise.all([health.claimProbe(name), health.claimProbe(name), health.claimProbe(name)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await state(name)).breaker).toBe('half_open');
    expect(await health.report(name, false, 100)).toBe('reopened');
    expect(await health.claimProbe(name)).toBe(false);
    await sleep(250);
    expect(await health.claimProbe(name)).toBe(true);
    expect(await health.report(name, true, 100)).toBe('closed');
    expect(await state(name)).toMatchObject({ breaker: 'closed', share: MIN_SHARE });
    for (let i = 0; i < 4; i++) await health.report(name, true, 100);
    expect((await state(name)).share).toBeCloseTo(0.3);
  });

  it('lets another probe through when the last one got no answer (its worker died)', async () => {
    const name = fresh();
    for (let i = 0; i < 3; i++) await health.report(name, false, 100);
    await sleep(250);
    expect(await health.claimProbe(name)).toBe(true);
    expect(await health.claimProbe(name)).toBe(false);
    // Two provider timeouts (200 ms) without an answer.
    await sleep(250);
    expect(await health.claimProbe(name)).toBe(true);
  });

  it('keeps moving averages of latency and error rate', async () => {
    const name = fresh();
    await health.report(name, true, 100);
    await health.report(name, true, 600);
    await health.report(name, false, 100);
    const { latencyMs, errorRate } = await state(name);
    expect(latencyMs).toBeCloseTo(100 * 0.64 + 600 * 0.16 + 100 * 0.2, 0);
    expect(errorRate).toBeCloseTo(0.1);
  });

  it('remembers which provider a send is at until it is cleared', async () => {
    await health.markPending('n-1', { provider: 'twilio', since: 1000 });
    expect(await health.pending('n-1')).toEqual({ provider: 'twilio', since: 1000 });
    await health.clearPending('n-1');
    expect(await health.pending('n-1')).toBeNull();
  });
});
