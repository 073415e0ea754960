import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, HeraldProcess, ProcessKind, startApi, startWorker } from '../support/herald-process';
import { PrivateRedis } from '../support/private-redis';
import { ROOT, TestEnvironment } from '../support/test-environment';

jest.setTimeout(60_000);

/**
 * A process that cannot reach a dependency exits within this, where one retrying it would hang until the test's 60 s.
 * About a second on an idle machine; loading Node and the app's modules alone took 12 s once at load average 11 on
 * two cores shared with the rest of the suite.
 */
const FAIL_FAST_MS = 25_000;

/** What an operator sees when a process refuses to start: exactly one line, quickly, and exit code 1. */
async function failedBoot(kind: ProcessKind, env: Record<string, string>) {
  const started = Date.now();
  const process = HeraldProcess.spawn(kind, env);
  const code = await process.waitForExit();
  return { code, lines: process.output.trim().split('\n'), ms: Date.now() - started };
}

describe('processes fail fast with one clear line', () => {
  let environment: TestEnvironment;
  let deadPort: number;

  beforeAll(async () => {
    environment = await TestEnvironment.create();
    deadPort = await freePort();
  });
  afterAll(() => environment?.destroy());

  it.each<ProcessKind>(['api', 'worker'])('%s: Redis unreachable', async (kind) => {
    const result = await failedBoot(kind, { ...environment.env, REDIS_URL: `redis://127.0.0.1:${deadPort}` });
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([expect.stringMatching(new RegExp(`^herald ${kind}: cannot reach Redis at 127\\.0\\.0\\.1:${deadPort}`))]);
    expect(result.ms).toBeLessThan(FAIL_FAST_MS);
  });

  it('worker: no Redis Cluster seed answers', async () => {
    const result = await failedBoot('worker', { ...environment.env, REDIS_CLUSTER_NODES: `127.0.0.1:${deadPort}` });
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([expect.stringMatching(new RegExp(`^herald worker: cannot reach the Redis Cluster seeded by 127\\.0\\.0\\.1:${deadPort} .*set REDIS_CLUSTER_NODES$`))]);
    expect(result.ms).toBeLessThan(FAIL_FAST_MS);
  });

  it('api: no sentinel answers', async () => {
    const result = await failedBoot('api', { ...environment.env, REDIS_SENTINELS: `127.0.0.1:${deadPort}`, REDIS_SENTINEL_NAME: 'herald' });
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([expect.stringMatching(/^herald api: cannot reach Redis primary "herald" via sentinels 127\.0\.0\.1:\d+ .*set REDIS_SENTINELS and REDIS_SENTINEL_NAME$/)]);
    expect(result.ms).toBeLessThan(FAIL_FAST_MS);
  });

  it('api: a Redis that refuses the password says so and names the settings, never the password', async () => {
    const redis = await PrivateRedis.start(['--requirepass', 'the-right-password'], { client: { password: 'the-right-password' } });
    try {
      const result = await failedBoot('api', { ...environment.env, REDIS_URL: redis.url, REDIS_PASSWORD: 'a-wrong-password' });
      expect(result.code).toBe(1);
      expect(result.lines).toEqual([
        `herald api: Redis at 127.0.0.1:${redis.port} refused Herald's credentials (WRONGPASS invalid username-password pair or user is disabled.); ` +
          'set REDIS_URL (redis://user:password@host) or REDIS_USERNAME and REDIS_PASSWORD',
      ]);
    } finally {
      await redis.stop();
    }
  });

  it('api: a Cluster and Sentinel at once is refused', async () => {
    const result = await failedBoot('api', { ...environment.env, REDIS_CLUSTER_NODES: '127.0.0.1:7000', REDIS_SENTINELS: '127.0.0.1:26379', REDIS_SENTINEL_NAME: 'herald' });
    expect(result.lines).toEqual(['herald api: invalid environment: REDIS_CLUSTER_NODES and REDIS_SENTINELS choose different Redis topologies: set one of them']);
  });

  it.each<ProcessKind>(['api', 'worker'])('%s: Postgres unreachable', async (kind) => {
    const result = await failedBoot(kind, { ...environment.env, DATABASE_URL: `postgres://postgres@127.0.0.1:${deadPort}/herald` });
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([expect.stringMatching(/^herald .*: cannot reach Postgres at 127\.0\.0\.1:\d+ .*set DATABASE_URL$/)]);
  });

  it('api: an unmigrated database says to migrate', async () => {
    const url = new URL(environment.env.DATABASE_URL);
    url.pathname = '/herald_never_migrated';
    const result = await failedBoot('api', { ...environment.env, DATABASE_URL: url.toString() });
    expect(result.lines).toEqual([expect.stringContaining('run npm run db:migrate')]);
  });

  it('api: invalid environment names every bad variable', async () => {
    const result = await failedBoot('api', { ...environment.env, PORT: 'eighty', REDIS_URL: 'localhost:6379', TWILIO_ACCOUNT_SID: 'AC123' });
    expect(result.code).toBe(1);
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toMatch(/^herald api: invalid environment: /);
    expect(result.lines[0]).toContain('PORT');
    expect(result.lines[0]).toContain('REDIS_URL');
  });

  it('api: refuses production without admin credentials', async () => {
    const { ADMIN_USER, ADMIN_PASSWORD, ...env } = environment.env;
    const result = await failedBoot('api', { ...env, NODE_ENV: 'production', SECRET_KEY: 'a-production-secret-key-of-32-characters' });
    expect(result.lines).toEqual(['herald api: invalid environment: ADMIN_USER and ADMIN_PASSWORD are required when NODE_ENV=production']);
  });

  it('worker: refuses production without a SECRET_KEY (webhook secrets and event ids would use the public development key)', async () => {
    const result = await failedBoot('worker', { ...environment.env, NODE_ENV: 'production' });
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([
      'herald worker: invalid environment: SECRET_KEY is required when NODE_ENV=production (the same value on every API and worker process)',
    ]);
  });

  it('api: refuses a well-known admin password in production', async () => {
    const result = await failedBoot('api', { ...environment.env, NODE_ENV: 'production', ADMIN_PASSWORD: 'change-me', SECRET_KEY: 'a-production-secret-key-of-32-characters' });
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([
      'herald api: invalid environment: ADMIN_PASSWORD is a well-known password; NODE_ENV=production needs 12 or more characters that are not a well-known password',
    ]);
  });

  it('npm start: the Redis hint names the port of REDIS_URL', async () => {
    const check = `require('./scripts/services').checkServices('npm start').catch((error) => { console.log(error.message); })`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', check], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, DATABASE_URL: environment.env.DATABASE_URL, REDIS_URL: `redis://127.0.0.1:${deadPort}` },
    });
    expect(stdout).toContain(`Redis is not reachable at 127.0.0.1:${deadPort}. Start it (redis-server --daemonize yes --bind 127.0.0.1 --port ${deadPort})`);
  });

  it('worker: a taken WORKER_METRICS_PORT stops the boot in production, naming the port', async () => {
    const taken = createServer().listen(0, '0.0.0.0');
    await once(taken, 'listening');
    const port = (taken.address() as AddressInfo).port;
    try {
      const result = await failedBoot('worker', {
        ...environment.env,
        NODE_ENV: 'production',
        SECRET_KEY: 'a-production-secret-key-of-32-characters',
        ADMIN_PASSWORD: 'a-long-and-unusual-admin-password',
        WORKER_METRICS_PORT: String(port),
      });
      expect(result.code).toBe(1);
      expect(result.lines.at(-1)).toContain(`cannot serve metrics on WORKER_METRICS_PORT ${port}`);
    } finally {
      taken.close();
    }
  });

  it('npm start and npm test: read a .env file, and a variable already set in the environment wins over it', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'herald-dotenv-'));
    await writeFile(join(directory, '.env'), `REDIS_URL=redis://127.0.0.1:${deadPort}\nDATABASE_URL=postgres://nobody@127.0.0.1:1/none\n`);
    const check = `require('./scripts/local-env').loadLocalEnv(${JSON.stringify(directory)}); require('./scripts/services').checkServices('npm start').catch((error) => { console.log(error.message); })`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', check], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, DATABASE_URL: environment.env.DATABASE_URL },
    });
    expect(stdout).toContain(`Redis is not reachable at 127.0.0.1:${deadPort}.`); // from the file
    expect(stdout).not.toContain('Postgres is not reachable'); // the environment's DATABASE_URL, not the file's
  });
});

describe('a start you can read', () => {
  let environment: TestEnvironment;
  const started: HeraldProcess[] = [];

  beforeAll(async () => {
    // A configured deployment: without SECRET_KEY the API would also warn that it uses the development key.
    environment = await TestEnvironment.create({ LOG_LEVEL: 'info', SECRET_KEY: 'a-test-secret-key-of-at-least-32-characters' });
  });
  afterAll(async () => {
    await Promise.all(started.map((p) => p.stop()));
    await environment?.destroy();
  });

  const logLines = (process: HeraldProcess) =>
    process.output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: number; msg: string; context?: string });

  it('logs what an operator needs at info, and Nest\'s module and route wiring only at debug', async () => {
    const debugApi = HeraldProcess.spawn('api', { ...environment.env, LOG_LEVEL: 'debug', PORT: String(await freePort()) });
    started.push(debugApi);
    const [api, worker] = await Promise.all([startApi(environment.env), startWorker(environment.env)]);
    started.push(api.process, worker);
    const apiLines = logLines(api.process);
    expect(apiLines.map((line) => line.msg)).toEqual([
      `Herald API listening on ${api.url} (docs at /docs, queues at /admin/queues, metrics at /metrics)`,
    ]);
    // The day's retention purge may run (and say so) as soon as the worker is up: that is work, not start-up noise.
    const workerLines = logLines(worker).filter((line) => !line.msg.startsWith('retention purge'));
    expect(workerLines.map((line) => line.context)).not.toContain('InstanceLoader');
    expect(workerLines.at(-1)!.msg).toMatch(/^Herald worker up: sms via log, email via log; critical concurrency 50, bulk concurrency 5, campaigns at 100 SMS\/s and 100 emails\/s, metrics and health on port \d+$/);
    expect(workerLines.length).toBeLessThanOrEqual(4);

    await debugApi.waitForOutput('Herald API listening');
    const wiring = logLines(debugApi).filter((line) => line.context === 'RouterExplorer');
    expect(wiring.length).toBeGreaterThan(5);
    expect(wiring.every((line) => line.level === 20)).toBe(true);
  });

  it('worker outside production: a taken WORKER_METRICS_PORT moves to a free port and says which (a second worker on one host)', async () => {
    const first = await startWorker({ ...environment.env, WORKER_METRICS_PORT: '0' });
    started.push(first);
    const taken = new URL(first.metricsUrl!).port;
    const second = await startWorker({ ...environment.env, WORKER_METRICS_PORT: taken });
    started.push(second);
    expect(new URL(second.metricsUrl!).port).not.toBe(taken);
    const warning = logLines(second).find((line) => line.msg.startsWith(`WORKER_METRICS_PORT ${taken} is taken`));
    expect(warning).toMatchObject({ level: 40, msg: expect.stringContaining(`on port ${new URL(second.metricsUrl!).port} instead`) });
    expect((await fetch(`${second.metricsUrl}/health/live`)).status).toBe(200);
  });
});
