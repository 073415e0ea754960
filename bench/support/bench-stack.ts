import { mkdirSync } from 'node:fs';
import { DEFAULT_CRITICAL_CONCURRENCY } from '../../libs/config/src/environment';
import { FakeTwilio } from '../../test/fakes/twilio.fake';
import { HeraldClient } from '../../test/support/herald-client';
import { HeraldProcess, startApi, startWorker } from '../../test/support/herald-process';
import { TWILIO_FROM } from '../../test/support/herald-stack';
import { HeraldEnv, TestEnvironment } from '../../test/support/test-environment';
import { BenchOptions } from './measurement';
import { within } from './wait';

/** Herald's default critical concurrency, set explicitly so the raw baselines can take as many jobs at a time. */
/** Herald's default, and every baseline's that stands beside it. */
export const CRITICAL_CONCURRENCY = DEFAULT_CRITICAL_CONCURRENCY;
const GRACEFUL_STOP_MS = 15_000;

export interface BenchStack {
  environment: TestEnvironment;
  twilio: FakeTwilio;
  api: HeraldProcess;
  apiUrl: string;
  /** A merchant created through the admin API. */
  merchant: HeraldClient & { merchantId: string };
  workers: HeraldProcess[];
  startWorkers(count: number): Promise<void>;
  /** Starts a worker without waiting for it to be up (its boot is part of what is measured). */
  spawnWorker(): HeraldProcess;
  stopWorkers(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Herald as production runs it, for one scenario: a fresh migrated database, its own queue prefix, the API and
 * `workers` worker processes, and Twilio replaced by the local wire fake. The API runs at LOG_LEVEL=warn so that
 * request logging stays out of the figures; it is ready when /health/ready answers 200. Workers keep LOG_LEVEL=info
 * because their readiness is their "Herald worker up" line, and they log nothing per job at that level.
 */
export async function startBenchStack(options: BenchOptions, scenario: string, env: HeraldEnv = {}, workers = 0): Promise<BenchStack> {
  const twilio = await FakeTwilio.start();
  const environment = await TestEnvironment.create({
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_FROM,
    TWILIO_API_URL: twilio.url,
    LOG_LEVEL: 'warn',
    WORKER_CRITICAL_CONCURRENCY: String(CRITICAL_CONCURRENCY),
    ...env,
  });
  const running: HeraldProcess[] = [];
  const processEnv = (kind: 'api' | 'worker') => ({ ...environment.env, ...profilingEnv(options, scenario, kind) });
  const workerEnv = () => ({ ...processEnv('worker'), LOG_LEVEL: 'info' });
  try {
    const { process: api, url } = await startApi(processEnv('api'));
    running.push(api);
    const merchant = await new HeraldClient(url).createMerchant();
    const stack: BenchStack = {
      environment,
      twilio,
      api,
      apiUrl: url,
      merchant,
      workers: [],
      async startWorkers(count) {
        const started = await Promise.all(Array.from({ length: count }, () => startWorker(workerEnv())));
        stack.workers.push(...started);
        running.push(...started);
      },
      spawnWorker() {
        const worker = HeraldProcess.spawn('worker', workerEnv());
        stack.workers.push(worker);
        running.push(worker);
        return worker;
      },
      async stopWorkers() {
        await Promise.all(stack.workers.map(stopGracefully));
        stack.workers = [];
      },
      async stop() {
        await Promise.all(running.map(stopGracefully));
        await twilio.close();
        await environment.destroy();
      },
    };
    await stack.startWorkers(workers);
    return stack;
  } catch (error) {
    await Promise.all(running.map((p) => p.kill()));
    await twilio.close();
    await environment.destroy();
    throw error;
  }
}

/** SIGTERM, so in-flight jobs finish and any CPU profile is written; SIGKILL if that takes too long. */
async function stopGracefully(heraldProcess: HeraldProcess): Promise<void> {
  try {
    await within(`${heraldProcess.kind} ${heraldProcess.child.pid} to stop`, GRACEFUL_STOP_MS, heraldProcess.stop());
  } catch {
    await heraldProcess.kill();
  }
}

function profilingEnv(options: BenchOptions, scenario: string, kind: 'api' | 'worker'): HeraldEnv {
  if (!options.profileDir) return {};
  const dir = `${options.profileDir}/${scenario}-${kind}`;
  mkdirSync(dir, { recursive: true });
  return { NODE_OPTIONS: `--require ${__dirname}/cpu-profiler.js`, BENCH_PROFILE_DIR: dir };
}
