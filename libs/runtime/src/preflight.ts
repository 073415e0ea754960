import { Client } from 'pg';
import { HeraldConfig, RedisTopology } from '@herald/config';
import { createRedisClient, describeRedis, primariesOf } from '@herald/redis';

const TIMEOUT_MS = 3000;

/** A boot-time problem an operator can fix; its message is the one line the process prints before exiting. */
export class BootError extends Error {}

const where = (url: string) => {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || ''}`.replace(/:$/, '');
};

async function checkPostgres(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('SELECT 1 FROM schema_migrations LIMIT 1');
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === '3D000' || code === '42P01') {
      throw new BootError(`database is not migrated (${(error as Error).message}): run npm run db:migrate`);
    }
    throw new BootError(
      `cannot reach Postgres at ${where(databaseUrl)} (${(error as Error).message}); start it or set DATABASE_URL`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Redis' answer to a missing or wrong user name or password (it never repeats the password). */
const REFUSED_CREDENTIALS = /^(WRONGPASS|NOAUTH|NOPERM)|invalid password/;

/** Redis answers, on every server that takes writes (each master of a Cluster), with the eviction policy BullMQ needs. */
async function checkRedis(topology: RedisTopology): Promise<void> {
  const { where, settings, credentialSettings } = describeRedis(topology);
  const client = createRedisClient(topology, 'preflight', { lazyConnect: true, connectTimeoutMs: TIMEOUT_MS, maxRetriesPerRequest: 0, reconnect: false });
  // The connection's own error says why (refused, timed out, wrong password); the failed call only that it closed.
  let cause: Error | null = null;
  client.on('error', (error: Error) => (cause = error));
  try {
    await client.connect();
    for (const primary of primariesOf(client)) {
      const info = await primary.info('memory');
      const policy = /maxmemory_policy:(\S+)/.exec(info)?.[1];
      if (policy && policy !== 'noeviction') {
        const server = primary === client ? '' : ` (master ${primary.options.host}:${primary.options.port})`;
        throw new BootError(`${where}${server} has maxmemory-policy ${policy}; BullMQ needs noeviction`);
      }
    }
  } catch (error) {
    if (error instanceof BootError) throw error;
    const reason = (cause as Error | null)?.message ?? (error as Error).message;
    if (REFUSED_CREDENTIALS.test(reason)) throw new BootError(`${where} refused Herald's credentials (${reason}); set ${credentialSettings}`);
    throw new BootError(`cannot reach ${where} (${reason}); start it or set ${settings}`);
  } finally {
    client.disconnect();
  }
}

/** Fails fast, with a clear reason, when a dependency is missing: never hang at boot. */
export async function preflight(config: HeraldConfig): Promise<void> {
  await Promise.all([checkPostgres(config.databaseUrl), checkRedis(config.redis)]);
}
