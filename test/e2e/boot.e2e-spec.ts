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
});
