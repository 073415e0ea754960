import Redis from 'ioredis';
import { asAdmin, baseDatabaseUrl, baseRedisUrl, migrateDatabase, TEMPLATE_DATABASE_VARIABLE } from './test-environment';

/**
 * Test databases and queue prefixes carry the pid of the run that made them: `herald_test_<pid>_<hex>`; hash-tagged
 * keys (a merchant's frequency cap counters) start with `{` before it.
 */
const OWNER_PID = /^\{?herald[_-]test[_-](\d+)_/;

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

/**
 * Before a run: drop what runs that were killed mid-way (Ctrl-C, a CI timeout) left behind, so nothing piles up; then
 * migrate one template database that every test file's database is copied from (a copy takes a tenth of the time of
 * running the migrations again). The jest workers inherit its name; global-teardown drops it.
 */
export default async function prepareRun(): Promise<void> {
  await removeLeftoversOfDeadRuns();
  const template = `herald_test_${process.pid}_template`;
  const url = new URL(baseDatabaseUrl());
  url.pathname = `/${template}`;
  await migrateDatabase(url.toString());
  process.env[TEMPLATE_DATABASE_VARIABLE] = template;
}

async function removeLeftoversOfDeadRuns(): Promise<void> {
  await asAdmin(async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'herald\\_test\\_%'`);
    for (const { datname } of rows.filter((row) => orphaned(row.datname))) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  });
  const redis = new Redis(baseRedisUrl(), { maxRetriesPerRequest: 1 });
  try {
    for (const match of ['herald-test-*', '{herald-test-*']) {
      for await (const keys of redis.scanStream({ match, count: 1000 }) as AsyncIterable<string[]>) {
        const stale = keys.filter(orphaned);
        if (stale.length) await redis.unlink(...stale);
      }
    }
  } finally {
    redis.disconnect();
  }
}
