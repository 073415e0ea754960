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
    SMS_BREAKER_COOLDOWN: 'PT30S',
    PROVIDER_TIMEOUT_MS: '10000',
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

  // Times are given, not waited for: `t0` is when the breaker opened; the cool-down is 30 s, a provider timeout 10 s.
  const t0 = 1_800_000_000_000;

  it('keeps the breaker open when a send that left before the outage answers "taken" after it opened, and the probe decides, not an older call', async () => {
    const name = fresh();
    for (let i = 0; i < 3; i++) await health.report(name, false, 100, t0);
    // Left 2 s before the breaker opened, answered 500 ms after: no word on the provider now, and no "back" alert.
    expect(await health.report(name, true, 2500, t0 + 500)).toBe('');
    expect((await state(name)).breaker).toBe('open');
    expect(await health.claimProbe(name, t0 + 30_000)).toBe(true);
    // An older call failing while the probe is out does not fail the probe.
    expect(await health.report(name, false, 5000, t0 + 30_200)).toBe('');
    expect((await state(name)).breaker).toBe('half_open');
    expect(await health.report(name, true, 150, t0 + 30_150)).toBe('closed');
  });

  it('lets exactly one probe through after the cool-down; a failed probe reopens, a good one closes and the share grows back', async () => {
    const name = fresh();
    for (let i = 0; i < 3; i++) await health.report(name, false, 100, t0);
    expect(await health.claimProbe(name, t0 + 29_999)).toBe(false);
    const claims = await Promise.all([health.claimProbe(name, t0 + 30_000), health.claimProbe(name, t0 + 30_001), health.claimProbe(name, t0 + 30_002)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await state(name)).breaker).toBe('half_open');
    expect(await health.report(name, false, 100, t0 + 31_000)).toBe('reopened');
    expect(await health.claimProbe(name, t0 + 60_000)).toBe(false);
    expect(await health.claimProbe(name, t0 + 61_000)).toBe(true);
    expect(await health.report(name, true, 100, t0 + 61_500)).toBe('closed');
    expect(await state(name)).toMatchObject({ breaker: 'closed', share: MIN_SHARE });
    for (let i = 0; i < 4; i++) await health.report(name, true, 100);
    expect((await state(name)).share).toBeCloseTo(0.3);
  });

  it('lets another probe through when the last one got no answer (its worker died)', async () => {
    const name = fresh();
    for (let i = 0; i < 3; i++) await health.report(name, false, 100, t0);
    expect(await health.claimProbe(name, t0 + 30_000)).toBe(true);
    expect(await health.claimProbe(name, t0 + 49_999)).toBe(false);
    // Two provider timeouts (20 s) without an answer.
    expect(await health.claimProbe(name, t0 + 50_000)).toBe(true);
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
