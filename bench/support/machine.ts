import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { ROOT, TestEnvironment } from '../../test/support/test-environment';

const PACKAGES = ['bullmq', 'ioredis', '@nestjs/core', '@nestjs/bullmq', 'typeorm', 'pg', 'autocannon'];

/** Where the figures were taken: hardware, runtimes, server settings that change them, and library versions. */
export async function describeMachine(): Promise<string[]> {
  const environment = await TestEnvironment.create();
  try {
    const [postgres] = await environment.query<{ version: string; synchronous_commit: string; shared_buffers: string }>(
      `SELECT current_setting('server_version') AS version, current_setting('synchronous_commit') AS synchronous_commit,
              current_setting('shared_buffers') AS shared_buffers`,
    );
    const redis = environment.redis();
    const info = await redis.info('server').finally(() => redis.disconnect());
    const redisVersion = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    const cores = cpus();
    return [
      `machine: ${cores.length} × ${cores[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${type()} ${release()}`,
      `runtimes: Node ${process.version}, PostgreSQL ${postgres.version} (synchronous_commit ${postgres.synchronous_commit}, ` +
        `shared_buffers ${postgres.shared_buffers}), Redis ${redisVersion}`,
      `packages: ${PACKAGES.map((name) => `${name} ${packageVersion(name)}`).join(', ')}`,
      `Herald: ${heraldRevision()}`,
    ];
  } finally {
    await environment.destroy();
  }
}

function packageVersion(name: string): string {
  return JSON.parse(readFileSync(`${ROOT}/node_modules/${name}/package.json`, 'utf8')).version;
}

function heraldRevision(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    const changed = git('status', '--porcelain', '--', 'apps', 'libs').length > 0;
    return `commit ${git('rev-parse', '--short', 'HEAD')}${changed ? ' with uncommitted changes in apps/ or libs/' : ''}`;
  } catch {
    return 'not a git checkout';
  }
}
