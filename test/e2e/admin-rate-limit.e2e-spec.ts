import { HeraldProcess, startApi } from '../support/herald-process';
import { HeraldClient } from '../support/herald-client';
import { PrivateRedis } from '../support/private-redis';
import { TestEnvironment } from '../support/test-environment';

jest.setTimeout(60_000);

const LIMIT = 30;
const guess = (i: number) => ({ authorization: `Basic ${Buffer.from(`admin:guess-${i}`).toString('base64')}` });
/** A client behind the proxy, as the proxy names it to the API. */
const behindProxy = (address: string) => ({ 'x-forwarded-for': address });

/**
 * Two API processes behind one proxy, as docker-compose.yml runs them: the admin limit is one count in Redis, not one
 * per process, and it follows the client address the proxy reports (TRUST_PROXY=1, one proxy in front).
 */
describe('the admin rate limit, shared by every API process', () => {
  let environment: TestEnvironment;
  const apis: HeraldProcess[] = [];
  let clients: HeraldClient[];

  beforeAll(async () => {
    // Wrong credentials lock an address out after ADMIN_LOGIN_FAILURES (admin-lockout.e2e-spec.ts): not what this counts.
    environment = await TestEnvironment.create({ ADMIN_RATE_LIMIT: String(LIMIT), TRUST_PROXY: '1', ADMIN_LOGIN_FAILURES: '1000' });
    const started = await Promise.all([startApi(environment.env), startApi(environment.env)]);
    apis.push(...started.map((api) => api.process));
    clients = started.map((api) => new HeraldClient(api.url));
  });
  afterAll(async () => {
    await Promise.all(apis.map((api) => api.kill()));
    await environment?.destroy();
  });

  it(`answers 429 rate_limited to the request after ${LIMIT} a minute, spread over both APIs, and to that client only`, async () => {
    const guesser = behindProxy('203.0.113.7');
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i += 1) {
      statuses.push((await clients[i % 2].request('POST', '/admin/dead-letters/redrive', {}, { ...guesser, ...guess(i) })).status);
    }
    // Each API saw only half of them: counted per process, neither would refuse anything yet.
    expect(statuses).toEqual(Array(LIMIT).fill(401));

    for (const client of clients) {
      const refused = await client.request('POST', '/admin/dead-letters/redrive', {}, { ...guesser, ...guess(LIMIT) });
      expect(refused.status).toBe(429);
      expect(refused.body.code).toBe('rate_limited');
    }

    const neighbour = await clients[1].request('POST', '/admin/dead-letters/redrive', {}, { ...behindProxy('203.0.113.8'), ...guess(0) });
    expect(neighbour.status).toBe(401);
  });
});

describe('the admin rate limit without Redis', () => {
  let redis: PrivateRedis;
  let environment: TestEnvironment;
  let api: HeraldProcess;
  let client: HeraldClient;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    environment = await TestEnvironment.create();
    // Only this API uses the private Redis; the environment cleans up on the shared one, which stays up.
    const started = await startApi({ ...environment.env, REDIS_URL: redis.url });
    api = started.process;
    client = new HeraldClient(started.url);
  });
  afterAll(async () => {
    await api?.kill();
    await redis?.stop();
    await environment?.destroy();
  });

  it('answers 503 service_unavailable at once rather than holding admin requests while Redis is down', async () => {
    expect((await client.request('POST', '/admin/dead-letters/redrive', {}, guess(0))).status).toBe(401);
    await redis.stop();
    const started = Date.now();
    const refused = await client.request('POST', '/admin/dead-letters/redrive', {}, guess(1));
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('service_unavailable');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
