import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './herald-process';

const run = promisify(execFile);
const BIN = join('/usr/lib/postgresql', readdirSync('/usr/lib/postgresql').sort().pop()!, 'bin');

/** Postgres refuses to run as root: on CI (root) the cluster runs as the `postgres` system user. */
async function asPostgresUser(binary: string, args: string[]): Promise<void> {
  const command = join(BIN, binary);
  if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', command, ...args]);
  else await run(command, args);
}

/** A Postgres cluster of the test's own (initdb in a temp folder), so stopping it disturbs nothing else. */
export class PrivatePostgres {
  private constructor(
    private readonly dataDir: string,
    private readonly port: number,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const dataDir = mkdtempSync(join(tmpdir(), 'herald-pg-'));
    if (process.getuid?.() === 0) chownSync(dataDir, Number((await run('id', ['-u', 'postgres'])).stdout), Number((await run('id', ['-g', 'postgres'])).stdout));
    await asPostgresUser('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
    const postgres = new PrivatePostgres(dataDir, await freePort());
    await postgres.resume();
    return postgres;
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Fast shutdown: open connections are cut, as in a crash or a failover. */
  async pause(): Promise<void> {
    await asPostgresUser('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']);
  }

  async resume(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dataDir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await asPostgresUser('pg_ctl', ['-D', this.dataDir, '-o', options, '-l', join(this.dataDir, 'server.log'), '-w', 'start']);
  }

  async destroy(): Promise<void> {
    await this.pause().catch(() => undefined);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
