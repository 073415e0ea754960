import { ConfigError, HeraldConfig, loadConfig } from '@herald/config';
import { BootError, preflight } from './preflight';

/**
 * Starts a Herald process: validate the environment, check Postgres and Redis, then `start`. Any failure before the
 * process is up ends it with exactly one line on stderr and exit code 1.
 */
export async function runProcess(name: string, start: (config: HeraldConfig) => Promise<void>): Promise<void> {
  try {
    const config = loadConfig();
    await preflight(config);
    await start(config);
  } catch (error) {
    const reason = error instanceof ConfigError || error instanceof BootError ? error.message : `failed to start: ${(error as Error)?.message ?? error}`;
    process.stderr.write(`herald ${name}: ${reason}\n`);
    process.exit(1);
  }
}
