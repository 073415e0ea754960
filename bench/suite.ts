import { resolve } from 'node:path';
import { PrivateRedis } from '../test/support/private-redis';
import { ROOT } from '../test/support/test-environment';
import { describeMachine } from './support/machine';
import { BenchOptions, Measurement } from './support/measurement';
import { detailLines, textTable, writeResults } from './support/report';
import { SCENARIOS } from './scenarios';

const USAGE = `usage: npm run bench [-- --quick] [--only <scenario>] [--profile]
  --quick     small sizes, a smoke run; prints only
  --only      one scenario: ${SCENARIOS.map((s) => s.name).join(', ')}; prints only
  --profile   Herald's processes write V8 CPU profiles to bench/results/profiles/`;

interface Invocation {
  options: BenchOptions;
  only?: string;
}

function parseArguments(argv: string[]): Invocation {
  const invocation: Invocation = { options: { quick: false } };
  for (let i = 0; i < argv.length; i += 1) {
    const argument = argv[i];
    if (argument === '--quick') invocation.options.quick = true;
    else if (argument === '--profile') invocation.options.profileDir = resolve(ROOT, 'bench/results/profiles', new Date().toISOString().replace(/[:.]/g, '-'));
    else if (argument === '--only' && SCENARIOS.some((s) => s.name === argv[i + 1])) invocation.only = argv[++i];
    else throw new Error(`unknown or incomplete argument ${argument}\n${USAGE}`);
  }
  return invocation;
}

/**
 * Runs the scenarios one after another, each on its own fresh stack, and prints the table. A full run (no --quick, no
 * --only) also rewrites the results in docs/benchmarks.md. Returns the exit code: 1 if any scenario failed.
 */
export async function runSuite(argv: string[]): Promise<number> {
  const { options, only } = parseArguments(argv);
  // Herald and every baseline share one Redis, configured as the README and docker-compose.yml recommend.
  const redis = await PrivateRedis.start(RECOMMENDED_REDIS_SETTINGS);
  process.env.TEST_REDIS_URL = redis.url;
  try {
    return await runScenarios(options, only);
  } finally {
    await redis.stop();
  }
}

/** Production Redis settings (docker-compose.yml): timely delayed jobs (hz 100), compact job hashes, no eviction. */
const RECOMMENDED_REDIS_SETTINGS = ['--hz', '100', '--hash-max-listpack-value', '256', '--maxmemory-policy', 'noeviction'];

async function runScenarios(options: BenchOptions, only: string | undefined): Promise<number> {
  const machine = [...(await describeMachine()), `- redis settings: ${RECOMMENDED_REDIS_SETTINGS.join(' ')} (a private redis-server for the run)`];
  process.stdout.write(`${machine.join('\n')}\n\n`);

  const rows: Measurement[] = [];
  let failed = false;
  for (const scenario of SCENARIOS.filter((s) => !only || s.name === only)) {
    const started = Date.now();
    process.stdout.write(`${scenario.name}: running${options.quick ? ' (quick)' : ''}...\n`);
    try {
      rows.push(...(await scenario.run(options)));
    } catch (error) {
      failed = true;
      process.stderr.write(`${scenario.name} failed: ${(error as Error).stack ?? error}\n`);
      const reason = String((error as Error).message ?? error).split('\n')[0];
      rows.push({ scenario: scenario.name, metric: 'failed', herald: '—', baseline: '—', ratio: '—', goal: '—', met: null, details: [reason] });
    }
    process.stdout.write(`${scenario.name}: done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }

  process.stdout.write(`\n${textTable(rows)}\n\n${detailLines(rows).join('\n')}\n`);
  if (options.profileDir) process.stdout.write(`\nCPU profiles: ${options.profileDir}\n`);
  if (!options.quick && !only && !failed) {
    writeResults(resolve(ROOT, 'docs/benchmarks.md'), machine, rows, new Date());
    process.stdout.write('\nwrote docs/benchmarks.md\n');
  }
  return failed ? 1 : 0;
}
