import Redis from 'ioredis';
import { Client } from 'pg';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Test databases and queue prefixes carry the pid of the run that made them: `herald_test_<pid>_<hex>`. */
const OWNER_PID = /^herald[_-]test[_-](\d+)_/;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const orphaned = (name: string) => {
  const pid = OWNER_PID.exec(name)?.[1];
  return pid !== undefined && !isAlive(Number(pid));
};

/** Before a run: drop what runs that were killed mid-way (Ctrl-C, a CI timeout) left behind, so nothing piles up. */
export default async function removeLeftoversOfDeadRuns(): Promise<void> {
  const postgres = new Client({ connectionString: DATABASE_URL });
  await postgres.connect();
  try {
    const { rows } = await postgres.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'herald\\_test\\_%'`);
    for (const { datname } of rows.filter((row) => orphaned(row.datname))) {
      await postgres.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await postgres.end();
  }
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    for await (const keys of redis.scanStream({ match: 'herald-test-*', count: 1000 }) as AsyncIterable<string[]>) {
      const stale = keys.filter(orphaned);
      if (stale.length) await redis.unlink(...stale);
    }
  } finally {
    redis.disconnect();
  }
}
