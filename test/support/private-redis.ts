import { ChildProcess, spawn } from 'node:child_process';
import Redis, { RedisOptions } from 'ioredis';
import { freePort } from './herald-process';
import type { TestCertificate } from './test-certificate';

/** A Redis server of the test's own, so flushing or stopping it disturbs nothing else on the machine. */
export class PrivateRedis {
  readonly url: string;
  private child!: ChildProcess;
  private exited!: Promise<unknown>;

  private constructor(
    readonly port: number,
    private readonly args: string[],
    /** What a client needs to get in: a password, TLS options. */
    readonly clientOptions: RedisOptions,
  ) {
    this.url = `${clientOptions.tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`;
  }

  /**
   * `settings` are extra redis-server arguments, e.g. `['--hz', '100']`; `configFile` (a sentinel's, say) comes
   * first, as redis-server wants it. `tls`: the server speaks TLS only, with this certificate. `client`: what the
   * test's own clients need besides (a user name and password).
   */
  static async start(
    settings: string[] = [],
    { configFile, client = {}, tls }: { configFile?: string; client?: RedisOptions; tls?: TestCertificate } = {},
  ): Promise<PrivateRedis> {
    const port = await freePort();
    const listen = tls ? tls.serverArgs(port) : ['--port', String(port)];
    const args = [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...settings];
    const clientOptions = tls ? { ...client, tls: { ca: tls.pem } } : client;
    const redis = new PrivateRedis(port, configFile ? [configFile, ...args] : args, clientOptions);
    await redis.launch();
    return redis;
  }

  client(): Redis {
    return new Redis({ host: '127.0.0.1', port: this.port, maxRetriesPerRequest: 1, retryStrategy: () => 50, ...this.clientOptions });
  }

  /** Redis restarting empty, as after a crash without persistence. */
  async flushAll(): Promise<void> {
    const client = this.client();
    await client.flushall();
    client.disconnect();
  }

  /** SIGKILL: the server is gone at once, as in a crash. */
  async stop(): Promise<void> {
    this.child.kill('SIGKILL'); // a no-op once it has exited
    await this.exited;
  }

  /** The same server back on the same port, empty (no persistence), as after a crash and a restart. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  private async launch(): Promise<void> {
    this.child = spawn('redis-server', this.args, { stdio: 'ignore' });
    this.exited = new Promise((resolve) => this.child.once('exit', resolve));
    const client = this.client();
    client.on('error', () => undefined); // refused until the server listens: the loop below retries
    try {
      for (let i = 0; ; i += 1) {
        try {
          await client.ping();
          break;
        } catch (error) {
          if (i > 100) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    } finally {
      client.disconnect();
    }
  }
}
