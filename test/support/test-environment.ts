import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { Client } from 'pg';
// Relative paths, not @herald/*: the benchmark suite loads this file through plain ts-node.
import { parseEnvironment } from '../../libs/config/src/environment';
import { createRedisClient, primariesOf } from '../../libs/redis/src/redis-clients';

const run = promisify(execFile);

export const ROOT = `${__dirname}/../..`;
/** Read when used, not when imported: the benchmark suite points TEST_REDIS_URL at its own Redis first. */
export const baseDatabaseUrl = () => process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const baseRedisUrl = () => process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export type HeraldEnv = Record<string, string>;

/** Set by jest's global setup: the database migrated once for the run, which each test file's database copies. */
export const TEMPLATE_DATABASE_VARIABLE = 'HERALD_TEST_TEMPLATE_DATABASE';

/** `npm run db:migrate` against `databaseUrl`, as an operator runs it (it creates the database too). */
export async function migrateDatabase(databaseUrl: string): Promise<void> {
  await run(process.execPath, [`${ROOT}/dist/libs/persistence/src/migrate.js`], { env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: databaseUrl } });
}

/** `work` on a connection to the server's maintenance database, for creating and dropping test databases. */
export async function asAdmin<T>(work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: baseDatabaseUrl() });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/**
 * A private world for one test file: its own freshly migrated database and its own BullMQ key prefix on the shared
 * Redis, so test files run side by side without seeing each other.
 */
export class TestEnvironment {
  private constructor(
    readonly env: HeraldEnv,
    readonly databaseName: string,
  ) {}

  static async create(overrides: HeraldEnv = {}): Promise<TestEnvironment> {
    const id = `${process.pid}_${randomBytes(4).toString('hex')}`;
    const databaseUrl = new URL(baseDatabaseUrl());
    databaseUrl.pathname = `/herald_test_${id}`;
    const env: HeraldEnv = {
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: baseRedisUrl(),
      QUEUE_PREFIX: `herald-test-${id}`,
      LOG_LEVEL: 'info',
      ADMIN_USER: 'admin',
      ADMIN_PASSWORD: 'test-admin-password',
      JOB_BACKOFF_MS: '200',
      // Four test files run at once, each with an API and up to three workers, on one Postgres of 100 connections.
      DATABASE_POOL_SIZE: '8',
      // Several workers run at once, here and in other test runs: each takes any free port and says which.
      WORKER_METRICS_PORT: '0',
      ...overrides,
    };
    // A database of the test's own (another server, as postgres-outage's) is migrated where it is.
    const template = overrides.DATABASE_URL === undefined ? process.env[TEMPLATE_DATABASE_VARIABLE] : undefined;
    if (template) await asAdmin((admin) => admin.query(`CREATE DATABASE "herald_test_${id}" TEMPLATE "${template}"`));
    else await migrateDatabase(env.DATABASE_URL);
    return new TestEnvironment(env, `herald_test_${id}`);
  }

  /** A Postgres client on this environment's database, for assertions that look at the source of truth. */
  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.env.DATABASE_URL });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  redis(): Redis {
    return new Redis(this.env.REDIS_URL, { maxRetriesPerRequest: 1 });
  }

  async destroy(): Promise<void> {
    await this.deleteQueueKeys();
    await asAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${this.databaseName}" WITH (FORCE)`));
  }

  /**
   * Every key under this environment's prefix, on whichever Redis topology it names. On a Cluster each master is
   * scanned for its own keys (`herald-test-…:` or hash-tagged `{herald-test-…:critical}`) and they are unlinked one
   * by one, since a multi-key UNLINK must stay within one slot.
   */
  private async deleteQueueKeys(): Promise<void> {
    const client = createRedisClient(parseEnvironment(this.env).redis, 'test-cleanup', { maxRetriesPerRequest: 1, lazyConnect: true });
    try {
      await client.connect();
      for (const primary of primariesOf(client)) {
        for (const match of [`${this.env.QUEUE_PREFIX}:*`, `{${this.env.QUEUE_PREFIX}:*`]) {
          for await (const keys of primary.scanStream({ match, count: 1000 }) as AsyncIterable<string[]>) {
            if (keys.length) await keys.reduce((pipeline, key) => pipeline.unlink(key), primary.pipeline()).exec();
          }
        }
      }
    } finally {
      client.disconnect();
    }
  }
}
