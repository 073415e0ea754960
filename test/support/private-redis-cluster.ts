import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis, { Cluster } from 'ioredis';
import { freePort } from './herald-process';
import { PrivateRedis } from './private-redis';
import type { TestCertificate } from './test-certificate';

/** How the cluster is locked, as a managed one is: each part optional. */
export interface ClusterProtection {
  /** Every node speaks TLS only, the cluster bus included, with this certificate. */
  tls?: TestCertificate;
  /** `requirepass` (the `default` user's password) on every node. */
  password?: string;
}

const run = promisify(execFile);

/**
 * A Redis Cluster of the test's own on loopback ports: `masters` redis-servers with `--cluster-enabled yes` (no
 * replicas), joined by `redis-cli --cluster create`, which splits the 16384 slots evenly between them.
 *
 * Try Herald on it by hand: `npx ts-node test/support/private-redis-cluster.ts` prints the REDIS_CLUSTER_NODES to use
 * and keeps the cluster up until Ctrl-C.
 */
export class PrivateRedisCluster {
  private constructor(
    readonly nodes: PrivateRedis[],
    private readonly dataDir: string,
    private readonly protection: ClusterProtection,
  ) {}

  static async start(masters = 3, protection: ClusterProtection = {}): Promise<PrivateRedisCluster> {
    const { tls, password } = protection;
    const dataDir = mkdtempSync(join(tmpdir(), 'herald-redis-cluster-'));
    const nodes: PrivateRedis[] = [];
    try {
      for (let i = 0; i < masters; i += 1) {
        // The cluster bus gets a free port of its own: the default (port + 10000) may be taken or past 65535.
        const busPort = await freePort();
        const node = await PrivateRedis.start([
          '--cluster-enabled', 'yes',
          '--cluster-port', String(busPort),
          '--cluster-config-file', join(dataDir, `nodes-${i}.conf`),
          '--cluster-node-timeout', '2000',
          '--dir', dataDir,
          ...(tls ? ['--tls-cluster', 'yes', '--tls-replication', 'yes'] : []),
          ...(password ? ['--requirepass', password, '--masterauth', password] : []),
        ], { tls, client: password ? { password } : {} });
        nodes.push(node);
      }
      const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
      const cliAccess = [...(tls ? ['--tls', '--cacert', tls.certFile] : []), ...(password ? ['-a', password, '--no-auth-warning'] : [])];
      await run('redis-cli', [...cliAccess, '--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
      const cluster = new PrivateRedisCluster(nodes, dataDir, protection);
      await cluster.waitUntilHealthy();
      return cluster;
    } catch (error) {
      await Promise.all(nodes.map((node) => node.stop()));
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** What REDIS_CLUSTER_NODES takes: every master, though one seed would do. */
  get seeds(): string {
    return this.nodes.map((node) => `127.0.0.1:${node.port}`).join(',');
  }

  /** What Herald takes to reach the cluster and get in where it is locked. */
  get env(): Record<string, string> {
    const { tls, password } = this.protection;
    return {
      REDIS_CLUSTER_NODES: this.seeds,
      ...(password ? { REDIS_PASSWORD: password } : {}),
      ...(tls ? { REDIS_TLS: 'true', REDIS_TLS_CA: tls.certFile } : {}),
    };
  }

  /** A Cluster client, for assertions that read what Herald wrote. */
  client(): Cluster {
    return new Cluster(
      this.nodes.map((node) => ({ host: '127.0.0.1', port: node.port })),
      { redisOptions: { maxRetriesPerRequest: 1, ...this.nodes[0].clientOptions } },
    );
  }

  /** The master serving `key`'s slot (hash tags included), asked of the cluster itself. */
  async masterOf(key: string): Promise<PrivateRedis> {
    return this.withNode(this.nodes[0], async (redis) => {
      const slot = Number(await redis.cluster('KEYSLOT', key));
      const ranges = await redis.cluster('SLOTS');
      const port = ranges.find(([from, to]) => slot >= from && slot <= to)?.[2]?.[1];
      const master = this.nodes.find((node) => node.port === port);
      if (!master) throw new Error(`no master serves slot ${slot} of ${key}`);
      return master;
    });
  }

  /** Every key one master holds (it holds only the slots it serves). */
  keysOn(node: PrivateRedis): Promise<string[]> {
    return this.withNode(node, (redis) => redis.keys('*'));
  }

  /** One master loses everything it held, as after a crash without persistence; the others keep theirs. */
  flushMaster(node: PrivateRedis): Promise<void> {
    return this.withNode(node, async (redis) => void (await redis.flushall()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Every node agrees the cluster is up and every slot is served (cluster create returns before gossip settles). */
  private async waitUntilHealthy(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = await Promise.all(this.nodes.map((node) => this.withNode(node, (redis) => redis.cluster('INFO'))));
      if (states.every((info) => /cluster_state:ok/.test(info) && /cluster_slots_ok:16384/.test(info))) return;
      if (Date.now() > deadline) throw new Error(`the cluster did not settle within ${timeoutMs} ms:\n${states.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async withNode<T>(node: PrivateRedis, task: (redis: Redis) => Promise<T>): Promise<T> {
    const redis = node.client();
    try {
      return await task(redis);
    } finally {
      redis.disconnect();
    }
  }
}

if (require.main === module) {
  void PrivateRedisCluster.start().then((cluster) => {
    process.stdout.write(`Redis Cluster up: REDIS_CLUSTER_NODES=${cluster.seeds}\n(Ctrl-C stops it and removes its files)\n`);
    process.once('SIGINT', () => void cluster.stop().then(() => process.exit(0)));
  });
}
