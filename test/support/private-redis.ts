import { ChildProcess, spawn } from 'node:child_process';
import Redis from 'ioredis';
import { freePort } from './herald-process';

/** A Redis server of the test's own, so flushing or stopping it disturbs nothing else on the machine. */
export class PrivateRedis {
  readonly url: string;
  private readonly exited: Promise<unknown>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    this.url = `redis://127.0.0.1:${port}`;
    this.exited = new Promise((resolve) => child.once('exit', resolve));
  }

  /**
   * `settings` are extra redis-server arguments, e.g. `['--hz', '100']`; `configFile` (a sentinel's, say) comes
   * first, as redis-server wants it.
   */
  static async start(settings: string[] = [], { configFile }: { configFile?: string } = {}): Promise<PrivateRedis> {
    const port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...settings];
    const child = spawn('redis-server', configFile ? [configFile, ...args] : args, { stdio: 'ignore' });
    const redis = new PrivateRedis(child, port);
    const client = redis.client();
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
    return redis;
  }

  client(): Redis {
    return new Redis(this.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
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
}
