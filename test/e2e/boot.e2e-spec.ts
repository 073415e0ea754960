import { freePort, HeraldProcess, ProcessKind } from '../support/herald-process';
import { TestEnvironment } from '../support/test-environment';

jest.setTimeout(60_000);

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
    expect(result.ms).toBeLessThan(10_000);
  });

  it('worker: no Redis Cluster seed answers', async () => {
    const result = await failedBoot('worker', { ...environment.env, REDIS_CLUSTER_NODES: `127.0.0.1:${deadPort}` });
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([expect.stringMatching(new RegExp(`^herald worker: cannot reach the Redis Cluster seeded by 127\\.0\\.0\\.1:${deadPort} .*set REDIS_CLUSTER_NODES$`))]);
    expect(result.ms).toBeLessThan(10_000);
  });

  it('api: no sentinel answers', async () => {
    const result = await failedBoot('api', { ...environment.env, REDIS_SENTINELS: `127.0.0.1:${deadPort}`, REDIS_SENTINEL_NAME: 'herald' });
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([expect.stringMatching(/^herald api: cannot reach Redis primary "herald" via sentinels 127\.0\.0\.1:\d+ .*set REDIS_SENTINELS and REDIS_SENTINEL_NAME$/)]);
    expect(result.ms).toBeLessThan(10_000);
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
    const result = await failedBoot('api', { ...env, NODE_ENV: 'production' });
    expect(result.lines).toEqual(['herald api: invalid environment: ADMIN_USER and ADMIN_PASSWORD are required when NODE_ENV=production']);
  });
});
