import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { PrivateRedis } from './private-redis';
import type { TestCertificate } from './test-certificate';

/** How the group is locked, as a managed Redis is: each part optional. */
export interface SentinelGroupProtection {
  /** Every server and the sentinel speak TLS only, with this certificate (replication and monitoring too). */
  tls?: TestCertificate;
  /** An ACL user on the primary and the replica, the `default` user disabled: Herald, the replica and the sentinel log in as it. */
  user?: { name: string; password: string };
  /** The sentinel's own `requirepass`. */
  sentinelPassword?: string;
}

/** Quorum 1; fast enough for a test: the primary is judged down after 1 s, and a failover that stalls is retried after 3 s. */
const sentinelConfig = (name: string, primaryPort: number, { user, sentinelPassword }: SentinelGroupProtection) =>
  [
    `sentinel monitor ${name} 127.0.0.1 ${primaryPort} 1`,
    `sentinel down-after-milliseconds ${name} 1000`,
    `sentinel failover-timeout ${name} 3000`,
    ...(user ? [`sentinel auth-user ${name} ${user.name}`, `sentinel auth-pass ${name} ${user.password}`] : []),
    ...(sentinelPassword ? [`requirepass ${sentinelPassword}`] : []),
  ].join('\n') + '\n';

/** The data servers' arguments for an ACL user that replicas use too, and the default user disabled. */
const userArgs = (user: SentinelGroupProtection['user']) =>
  user
    ? ['--user', 'default', 'off', '--user', user.name, 'on', `>${user.password}`, '~*', '&*', '+@all', '--masteruser', user.name, '--masterauth', user.password]
    : [];

/**
 * A Sentinel-managed Redis of the test's own on loopback ports: a primary, one replica, and one sentinel with
 * quorum 1 (a single sentinel decides alone, which is enough to exercise a failover; production runs three or more).
 */
export class PrivateRedisSentinel {
  private constructor(
    readonly name: string,
    readonly primary: PrivateRedis,
    readonly replica: PrivateRedis,
    readonly sentinel: PrivateRedis,
    private readonly dataDir: string,
    private readonly protection: SentinelGroupProtection = {},
  ) {}

  static async start(name = 'herald', protection: SentinelGroupProtection = {}): Promise<PrivateRedisSentinel> {
    const { tls, user, sentinelPassword } = protection;
    const tlsReplication = tls ? ['--tls-replication', 'yes'] : [];
    const dataServer = { tls, client: user ? { username: user.name, password: user.password } : {} };
    const dataDir = mkdtempSync(join(tmpdir(), 'herald-redis-sentinel-'));
    const started: PrivateRedis[] = [];
    try {
      // --dir: a replica stores the copy it receives from the primary on disk; keep it out of the working tree.
      const primary = await PrivateRedis.start(['--dir', dataDir, ...tlsReplication, ...userArgs(user)], dataServer);
      started.push(primary);
      const replica = await PrivateRedis.start(['--dir', dataDir, ...tlsReplication, ...userArgs(user), '--replicaof', '127.0.0.1', String(primary.port)], dataServer);
      started.push(replica);
      await waitFor(`the replica of ${primary.port} to catch up`, async () => /master_link_status:up/.test(await ask(replica, (r) => r.info('replication'))));
      // Sentinel rewrites its configuration file as it learns: it gets a writable one of its own.
      const configFile = join(dataDir, 'sentinel.conf');
      writeFileSync(configFile, sentinelConfig(name, primary.port, protection));
      const sentinel = await PrivateRedis.start(['--dir', dataDir, ...tlsReplication, '--sentinel'], {
        configFile,
        tls,
        client: sentinelPassword ? { password: sentinelPassword } : {},
      });
      started.push(sentinel);
      const group = new PrivateRedisSentinel(name, primary, replica, sentinel, dataDir, protection);
      // A failover needs a replica to promote: wait until the sentinel has found it through the primary.
      await waitFor('the sentinel to see the replica', async () => (await group.sentinelSays<unknown[]>('REPLICAS', name)).length === 1);
      return group;
    } catch (error) {
      await Promise.all(started.map((server) => server.stop()));
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** What Herald takes to find the primary through the sentinel, and to get in where the group is locked. */
  get env(): Record<string, string> {
    const { tls, user, sentinelPassword } = this.protection;
    return {
      REDIS_SENTINELS: `127.0.0.1:${this.sentinel.port}`,
      REDIS_SENTINEL_NAME: this.name,
      ...(user ? { REDIS_USERNAME: user.name, REDIS_PASSWORD: user.password } : {}),
      ...(sentinelPassword ? { REDIS_SENTINEL_PASSWORD: sentinelPassword } : {}),
      ...(tls ? { REDIS_TLS: 'true', REDIS_TLS_CA: tls.certFile } : {}),
    };
  }

  /** The port of the server the sentinel names as primary right now. */
  async primaryPort(): Promise<number> {
    const [, port] = await this.sentinelSays<[string, string]>('GET-MASTER-ADDR-BY-NAME', this.name);
    return Number(port);
  }

  async stop(): Promise<void> {
    await Promise.all([this.sentinel, this.primary, this.replica].map((server) => server.stop()));
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private sentinelSays<T>(...args: string[]): Promise<T> {
    return ask(this.sentinel, (redis) => redis.call('SENTINEL', ...args) as Promise<T>);
  }
}

async function ask<T>(server: PrivateRedis, question: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = server.client();
  try {
    return await question(redis);
  } finally {
    redis.disconnect();
  }
}

async function waitFor(what: string, done: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
