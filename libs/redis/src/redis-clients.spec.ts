import Redis, { Cluster } from 'ioredis';
import { createServer } from 'node:net';
import { parseEnvironment, RedisTopology } from '@herald/config';
import { createRedisClient, describeRedis, primariesOf, redisUrlOptions } from './redis-clients';
import { RedisClients } from './redis.module';

const LOCAL_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A port nothing listens on. */
const deadPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe('Redis clients for each topology', () => {
  it('reads credentials, database and TLS from a single server URL', () => {
    expect(redisUrlOptions('rediss://herald:p%40ss@cache.internal:6380/2')).toMatchObject({
      host: 'cache.internal',
      port: 6380,
      username: 'herald',
      password: 'p@ss',
      db: 2,
      tls: {},
      maxRetriesPerRequest: null,
    });
    expect(redisUrlOptions('redis://127.0.0.1')).toMatchObject({ port: 6379, db: 0, tls: undefined, password: undefined });
  });

  it('names a single-server connection after its purpose, so CLIENT LIST tells who is who', async () => {
    const client = createRedisClient({ kind: 'single', url: LOCAL_REDIS }, 'spec-probe');
    try {
      expect(client).toBeInstanceOf(Redis);
      expect(await client.client('GETNAME')).toBe('herald:spec-probe');
      expect(primariesOf(client)).toEqual([client]);
    } finally {
      client.disconnect();
    }
  });

  it('builds a Cluster client from the seeds, waiting for Redis by default as BullMQ requires', () => {
    const client = createRedisClient({ kind: 'cluster', nodes: [{ host: '10.0.0.1', port: 7000 }] }, 'queue:critical', { lazyConnect: true });
    expect(client).toBeInstanceOf(Cluster);
    const { redisOptions } = (client as Cluster).options;
    expect(redisOptions).toMatchObject({ connectionName: 'herald:queue:critical', maxRetriesPerRequest: null });
    expect(client.status).toBe('wait'); // lazy: nothing dialled
    client.disconnect();
  });

  it("asks sentinels for the named primary, without ioredis' failover detector (it could end a reconnecting client)", () => {
    const client = createRedisClient({ kind: 'sentinel', sentinels: [{ host: 's1', port: 26379 }], name: 'herald' }, 'events', { lazyConnect: true });
    expect((client as Redis).options).toMatchObject({ sentinels: [{ host: 's1', port: 26379 }], name: 'herald', failoverDetector: false, maxRetriesPerRequest: null });
    client.disconnect();
  });

  it('logs every data server in with the user and password, over TLS verified against the CA, on each topology', () => {
    const access = { credentials: { username: 'herald', password: 'secret' }, tls: { ca: 'PEM', servername: 'cache.internal' } };
    const tls = { ca: 'PEM', servername: 'cache.internal' };
    const single = createRedisClient({ kind: 'single', url: 'redis://cache:6380', ...access }, 'p', { lazyConnect: true }) as Redis;
    expect(single.options).toMatchObject({ host: 'cache', username: 'herald', password: 'secret', tls });
    single.disconnect();

    const cluster = createRedisClient({ kind: 'cluster', nodes: [{ host: '10.0.0.1', port: 7000 }], ...access }, 'p', { lazyConnect: true }) as Cluster;
    expect(cluster.options.redisOptions).toMatchObject({ username: 'herald', password: 'secret', tls, connectionName: 'herald:p' });
    cluster.disconnect();

    const sentinel = createRedisClient(
      { kind: 'sentinel', sentinels: [{ host: 's1', port: 26379 }], name: 'herald', sentinelCredentials: { username: null, password: 'watch' }, ...access },
      'p',
      { lazyConnect: true },
    ) as Redis;
    expect(sentinel.options).toMatchObject({ username: 'herald', password: 'secret', sentinelPassword: 'watch', tls, sentinelTLS: tls, enableTLSForSentinelMode: true });
    expect(sentinel.options.sentinelUsername).toBeFalsy();
    sentinel.disconnect();

    const plain = createRedisClient({ kind: 'sentinel', sentinels: [{ host: 's1', port: 26379 }], name: 'herald' }, 'p', { lazyConnect: true }) as Redis;
    expect(plain.options).toMatchObject({ enableTLSForSentinelMode: false, password: null });
    expect(plain.options.tls).toBeUndefined();
    plain.disconnect();
  });

  it('fails at once, without reconnecting, when a boot check cannot reach any topology', async () => {
    const port = await deadPort();
    const failFast = { lazyConnect: true, reconnect: false, maxRetriesPerRequest: 0, connectTimeoutMs: 1000 } as const;
    const unreachable: RedisTopology[] = [
      { kind: 'single', url: `redis://127.0.0.1:${port}` },
      { kind: 'cluster', nodes: [{ host: '127.0.0.1', port }] },
      { kind: 'sentinel', sentinels: [{ host: '127.0.0.1', port }], name: 'herald' },
    ];
    for (const topology of unreachable) {
      const client = createRedisClient(topology, 'spec-preflight', failFast);
      client.on('error', () => undefined);
      const started = Date.now();
      await expect(client.connect()).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(3000);
      client.disconnect();
    }
  });

  it('describes where Redis is for an error message, naming the settings to fix and no credentials', () => {
    expect(describeRedis({ kind: 'single', url: 'redis://user:secret@cache:6380' })).toMatchObject({ where: 'Redis at cache:6380', settings: 'REDIS_URL' });
    expect(describeRedis({ kind: 'cluster', nodes: [{ host: 'a', port: 7000 }, { host: '::1', port: 7001 }] })).toEqual({
      where: 'the Redis Cluster seeded by a:7000, [::1]:7001',
      settings: 'REDIS_CLUSTER_NODES',
      credentialSettings: 'REDIS_USERNAME and REDIS_PASSWORD',
    });
    expect(describeRedis({ kind: 'sentinel', sentinels: [{ host: 's', port: 26379 }], name: 'herald' }).where).toBe('Redis primary "herald" via sentinels s:26379');
  });
});

describe('RedisClients, for Nest apps', () => {
  it('gives BullMQ options on one server (BullMQ owns those connections), and on a Cluster a client it closes at shutdown', () => {
    const single = new RedisClients(parseEnvironment({ REDIS_URL: 'redis://cache:6380/1' }));
    expect(single.bullmqConnection('queue:critical')).toMatchObject({ host: 'cache', port: 6380, db: 1, maxRetriesPerRequest: null, connectionName: 'herald:queue:critical' });

    const clustered = new RedisClients(parseEnvironment({ REDIS_CLUSTER_NODES: '127.0.0.1:1' }));
    const client = clustered.bullmqConnection('queue:critical') as Cluster;
    client.on('error', () => undefined);
    expect(client).toBeInstanceOf(Cluster);
    clustered.onApplicationShutdown();
    expect(['disconnecting', 'end']).toContain(client.status);
  });
});
