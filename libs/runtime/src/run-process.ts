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

/**
 * SIGTERM or SIGINT closes the app (workers finish their in-flight jobs, connections close), then the process exits 0.
 * A second signal while draining exits at once.
 */
export function closeOnSignals(app: { close(): Promise<void> }): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) process.exit(1);
    closing = true;
    process.stderr.write(`received ${signal}: draining\n`);
    app.close().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`shutdown failed: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
