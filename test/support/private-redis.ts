import { ChildProcess, spawn } from 'node:child_process';
import Redis from 'ioredis';
import { freePort } from './herald-process';

/** A Redis server of the test's own, so flushing or stopping it disturbs nothing else on the machine. */
export class PrivateRedis {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /** `settings` are extra redis-server arguments, e.g. `['--hz', '100']`. */
  static async start(settings: string[] = []): Promise<PrivateRedis> {
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...settings], {
      stdio: 'ignore',
    });
    const redis = new PrivateRedis(child, `redis://127.0.0.1:${port}`);
    const client = redis.client();
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

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }
}
