import { HeraldClient } from '../support/herald-client';
import { HeraldProcess, startApi } from '../support/herald-process';
import { TestEnvironment } from '../support/test-environment';

jest.setTimeout(60_000);

const FAILURES = 10;
const LOCKOUT_SECONDS = 15 * 60;
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
const ADMIN = basic(HeraldClient.admin.user, HeraldClient.admin.password);
const guess = (i: number) => basic(HeraldClient.admin.user, `guess-${i}`);
/** A client behind the proxy, as the proxy names it to the API. */
const from = (address: string) => ({ 'x-forwarded-for': address });

/** The admin JSON API and Bull Board's, the two doors the credentials open. */
const REDRIVE = '/admin/dead-letters/redrive';
const BOARD = '/admin/queues/api/queues';
type Door = typeof REDRIVE | typeof BOARD;
/** Knocks at a door: the redrive (of no dead letters: there are none) or Bull Board's queue list. */
const knock = (client: HeraldClient, door: Door, headers: Record<string, string>) =>
  door === REDRIVE ? client.request('POST', REDRIVE, {}, headers) : client.request('GET', BOARD, undefined, headers);

/**
 * Password guessing against the admin, with two API processes behind one proxy (TRUST_PROXY=1) sharing Redis: wrong
 * credentials count per client address across both, and the address is locked out after ADMIN_LOGIN_FAILURES.
 */
describe('wrong admin credentials, counted across API processes', () => {
  let environment: TestEnvironment;
  const apis: HeraldProcess[] = [];
  let clients: HeraldClient[];

  beforeAll(async () => {
    environment = await TestEnvironment.create({ TRUST_PROXY: '1' });
    clients = [];
    for (let i = 0; i < 2; i += 1) {
      const started = await startApi(environment.env);
      apis.push(started.process);
      clients.push(new HeraldClient(started.url));
    }
  });
  afterAll(async () => {
    await Promise.all(apis.map((api) => api.kill()));
    await environment?.destroy();
  });

  it(`lock an address out of /admin and Bull Board with 429 after ${FAILURES} failures spread over both APIs, right credentials included`, async () => {
    const guesser = from('203.0.113.7');
    // Before any failure the right credentials work, on both APIs and both doors.
    for (const client of clients) {
      expect((await knock(client, REDRIVE, { ...guesser, ...ADMIN })).status).toBe(200);
      expect((await knock(client, BOARD, { ...guesser, ...ADMIN })).status).toBe(200);
    }

    const statuses: number[] = [];
    for (let i = 0; i < FAILURES; i += 1) {
      statuses.push((await knock(clients[i % 2], i % 4 < 2 ? REDRIVE : BOARD, { ...guesser, ...guess(i) })).status);
    }
    // Each API saw half of them: counted per process, neither would lock anyone out yet.
    expect(statuses).toEqual(Array(FAILURES).fill(401));

    for (const client of clients) {
      for (const [door, credentials] of [[REDRIVE, guess(FAILURES)], [BOARD, guess(FAILURES)], [REDRIVE, ADMIN], [BOARD, ADMIN]] as const) {
        const refused = await knock(client, door, { ...guesser, ...credentials });
        expect([door, refused.status, refused.body.code]).toEqual([door, 429, 'too_many_failed_logins']);
        const retryAfter = Number(refused.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThan(LOCKOUT_SECONDS - 60);
        expect(retryAfter).toBeLessThanOrEqual(LOCKOUT_SECONDS);
      }
    }
    // The admin at another address is unaffected.
    const elsewhere = await clients[1].request('POST', '/admin/merchants', { name: 'Admin at work' }, { ...from('198.51.100.20'), ...ADMIN });
    expect(elsewhere.status).toBe(201);
  });

  it('count a burst of guesses sent at once: no more than the limit get an answer about the credentials', async () => {
    const burst = await Promise.all(
      Array.from({ length: 3 * FAILURES }, (_, i) => knock(clients[i % 2], BOARD, { ...from('203.0.113.9'), ...guess(i) })),
    );
    const statuses = burst.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(FAILURES);
    expect(statuses.filter((status) => status === 429)).toHaveLength(2 * FAILURES);
  });

  it('a success gives back only its own attempt: it does not wipe the failures counted for the address', async () => {
    const shared = from('203.0.113.30');
    for (let i = 0; i < FAILURES - 1; i += 1) expect((await knock(clients[i % 2], REDRIVE, { ...shared, ...guess(i) })).status).toBe(401);
    expect((await knock(clients[0], REDRIVE, { ...shared, ...ADMIN })).status).toBe(200);
    expect((await knock(clients[1], BOARD, { ...shared, ...guess(99) })).status).toBe(401);
    expect((await knock(clients[0], BOARD, { ...shared, ...ADMIN })).status).toBe(429);
  });
});

/**
 * No proxy the API believes (TRUST_PROXY names one that is not the test's): X-Forwarded-For is the client's own word,
 * and changing it must not buy more guesses. The lockout is short here, to see it end.
 */
describe('wrong admin credentials without a trusted proxy', () => {
  let environment: TestEnvironment;
  let api: HeraldProcess;
  let client: HeraldClient;

  beforeAll(async () => {
    environment = await TestEnvironment.create({ TRUST_PROXY: '10.9.8.7', ADMIN_LOGIN_FAILURES: '3', ADMIN_LOCKOUT: 'PT3S' });
    const started = await startApi(environment.env);
    api = started.process;
    client = new HeraldClient(started.url);
  });
  afterAll(async () => {
    await api?.kill();
    await environment?.destroy();
  });

  it('count by the peer address whatever X-Forwarded-For says, never count requests without credentials, and end the lockout on time', async () => {
    for (let i = 0; i < 20; i += 1) expect((await knock(client, BOARD, from(`192.0.2.${i}`))).status).toBe(401);
    expect((await knock(client, BOARD, ADMIN)).status).toBe(200);

    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await knock(client, BOARD, { ...from(`192.0.2.${100 + i}`), ...guess(i) })).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const locked = await knock(client, REDRIVE, { ...from('192.0.2.200'), ...ADMIN });
    expect([locked.status, locked.body.code]).toEqual([429, 'too_many_failed_logins']);
    const waitSeconds = Number(locked.headers.get('retry-after'));
    expect(waitSeconds).toBeGreaterThanOrEqual(1);
    expect(waitSeconds).toBeLessThanOrEqual(3);

    await new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000 + 200));
    expect((await knock(client, REDRIVE, ADMIN)).status).toBe(200);
  });
});
