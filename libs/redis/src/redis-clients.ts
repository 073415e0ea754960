import Redis, { Cluster, RedisOptions } from 'ioredis';
import type { RedisAccess, RedisCredentials, RedisEndpoint, RedisTls, RedisTopology } from '@herald/config';

/** A connection to Herald's Redis, whichever the topology: a Cluster client speaks the same commands. */
export type RedisClient = Redis | Cluster;

/** How a client behaves while Redis is away. The defaults are what BullMQ needs: wait for Redis, reconnect forever. */
export interface RedisTuning {
  /** Fail a command after this many reconnect attempts; null waits for Redis to come back. */
  maxRetriesPerRequest?: number | null;
  /** false: one connection attempt, no reconnect (boot checks). */
  reconnect?: boolean;
  connectTimeoutMs?: number;
  /** Connect on `connect()` or the first command rather than at once. */
  lazyConnect?: boolean;
}

/**
 * ioredis options for one server named by a redis:// or rediss:// URL (credentials, database number, TLS), waiting
 * for Redis as BullMQ needs. For tools and tests that build their own BullMQ objects on a single server.
 */
export function redisUrlOptions(redisUrl: string): RedisOptions {
  const url = new URL(redisUrl);
  const db = url.pathname.replace('/', '');
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: db ? Number(db) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}

/**
 * A primary that was just demoted (a Sentinel failover, a managed service's switch-over) answers writes with
 * READONLY: reconnect, which finds the new primary, and resend the command there.
 */
const reconnectOnReadonly = (error: Error) => (error.message.startsWith('READONLY') ? 2 : false);

type ServerTopology = Exclude<RedisTopology, { kind: 'cluster' }>;

const noRetry = () => null;

/** Per-connection options every client shares: its name, how long commands wait for Redis, READONLY handling. */
function connectionOptions(purpose: string, tuning: RedisTuning): RedisOptions {
  return {
    connectionName: `herald:${purpose}`,
    maxRetriesPerRequest: tuning.maxRetriesPerRequest === undefined ? null : tuning.maxRetriesPerRequest,
    connectTimeout: tuning.connectTimeoutMs,
    reconnectOnError: reconnectOnReadonly,
  };
}

const credentialOptions = (credentials: RedisCredentials | undefined, prefix?: 'sentinel') => {
  const options: Record<string, string> = {};
  if (credentials?.username) options[prefix ? 'sentinelUsername' : 'username'] = credentials.username;
  if (credentials?.password) options[prefix ? 'sentinelPassword' : 'password'] = credentials.password;
  return options;
};

/** Node's TLS options: the certificate is verified (Node's default), against the given CA when there is one. */
const tlsOptions = (tls: RedisTls) => ({ ...(tls.ca ? { ca: tls.ca } : {}), ...(tls.servername ? { servername: tls.servername } : {}) });

/** The credentials and TLS of every data server (a single server, each Cluster node, the primary Sentinel names). */
function accessOptions({ credentials, tls }: RedisAccess): RedisOptions {
  return { ...credentialOptions(credentials), ...(tls ? { tls: tlsOptions(tls) } : {}) };
}

/** ioredis options for one server, or for the primary that Sentinel names. */
export function redisServerOptions(topology: ServerTopology, purpose: string, tuning: RedisTuning = {}): RedisOptions {
  const reconnect = tuning.reconnect ?? true;
  const common = { ...connectionOptions(purpose, tuning), lazyConnect: tuning.lazyConnect };
  if (topology.kind === 'single') {
    return { ...redisUrlOptions(topology.url), ...accessOptions(topology), ...common, ...(reconnect ? {} : { retryStrategy: noRetry }) };
  }
  return {
    sentinels: topology.sentinels,
    name: topology.name,
    ...accessOptions(topology),
    ...credentialOptions(topology.sentinelCredentials, 'sentinel'),
    // TLS covers the sentinels as well as the servers they name (ioredis' `tls` alone reaches neither in this mode).
    ...(topology.tls ? { enableTLSForSentinelMode: true, sentinelTLS: tlsOptions(topology.tls) } : {}),
    ...common,
    // No `failoverDetector`: when its +switch-master arrives while the client is already reconnecting (its primary
    // died), ioredis abandons that attempt as "Connection is closed" and ends the client for good, so every later
    // command failed at once (seen as 503s on every request after a failover). A dead primary is found by its closed
    // connection, a demoted one by READONLY (reconnectOnReadonly): both reconnect through the sentinels.
    ...(reconnect ? {} : { retryStrategy: noRetry, sentinelRetryStrategy: noRetry }),
  };
}

/**
 * The one place a Redis connection is made: a client for `purpose` (it names the connection, as CLIENT LIST shows
 * it) on the configured topology. The caller owns it; inside a Nest app, prefer RedisClients, which closes it.
 */
export function createRedisClient(topology: RedisTopology, purpose: string, tuning: RedisTuning = {}): RedisClient {
  if (topology.kind !== 'cluster') return new Redis(redisServerOptions(topology, purpose, tuning));
  return new Cluster(topology.nodes, {
    redisOptions: { ...accessOptions(topology), ...connectionOptions(purpose, tuning) },
    lazyConnect: tuning.lazyConnect,
    ...((tuning.reconnect ?? true) ? {} : { clusterRetryStrategy: noRetry }),
  });
}

/** The servers that take writes: every master of a Cluster, or the one primary. For per-server commands (INFO, SCAN, FLUSHALL). */
export function primariesOf(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

const endpoints = (list: RedisEndpoint[]) => list.map(({ host, port }) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`)).join(', ');

/**
 * Where Redis is, for an operator's error message (no credentials), the settings that say so, and those that hold
 * the credentials.
 */
export function describeRedis(topology: RedisTopology): { where: string; settings: string; credentialSettings: string } {
  switch (topology.kind) {
    case 'single': {
      const { hostname, port } = new URL(topology.url);
      return {
        where: `Redis at ${hostname}:${port || 6379}`,
        settings: 'REDIS_URL',
        credentialSettings: 'REDIS_URL (redis://user:password@host) or REDIS_USERNAME and REDIS_PASSWORD',
      };
    }
    case 'cluster':
      return { where: `the Redis Cluster seeded by ${endpoints(topology.nodes)}`, settings: 'REDIS_CLUSTER_NODES', credentialSettings: 'REDIS_USERNAME and REDIS_PASSWORD' };
    case 'sentinel':
      return {
        where: `Redis primary "${topology.name}" via sentinels ${endpoints(topology.sentinels)}`,
        settings: 'REDIS_SENTINELS and REDIS_SENTINEL_NAME',
        credentialSettings: 'REDIS_USERNAME and REDIS_PASSWORD (the servers), REDIS_SENTINEL_USERNAME and REDIS_SENTINEL_PASSWORD (the sentinels)',
      };
  }
}
