import { JobsOptions } from 'bullmq';
import { Client } from 'pg';
import { CRITICAL_QUEUE } from '../../libs/queues/src/queue-names';
import { BenchStack, startBenchStack } from '../support/bench-stack';
import { CpuMeter, cpuPerItem } from '../support/cpu-meter';
import { sdkDrain } from '../support/drain';
import { count, perSecond, seconds } from '../support/format';
import { Measurement, Scenario } from '../support/measurement';
import { learnSendJobOptions, openQueue } from '../support/queues';
import { addSendJobs, insertDueSms } from '../support/seed';
import { waitForProviderCalls, waitUntil } from '../support/wait';

/** How long the Twilio fake takes to answer: a real provider's 150–300 ms, at its low end. */
const PROVIDER_LATENCY_MS = 150;
const GOAL = { concurrency: 200, efficiency: 0.8 };
const SAMPLE_EVERY_MS = 20;

/**
 * One worker against a provider that answers after 150 ms, at several concurrencies: throughput is bounded by
 * concurrency ÷ latency, and the figure is how close Herald gets to that bound. Also how many Postgres connections the
 * worker had open and busy at once: the claim and the `sent` write hold one only for their statements, so far fewer
 * than the sends in flight.
 */
export const latency: Scenario = {
  name: 'latency',
  async run(options) {
    const rows: Measurement[] = [];
    // The quick run (CI) measures the goal's concurrency only, with its ceilings.
    for (const concurrency of options.quick ? [GOAL.concurrency] : [50, 200, 500]) {
      const bound = (concurrency * 1000) / PROVIDER_LATENCY_MS;
      // About eight seconds' worth at the bound, capped: past two cores' worth the bound is out of reach anyway.
      const size = Math.min(options.quick ? 1_000 : 8_000, Math.round(bound * (options.quick ? 2 : 8)));
      // A fresh worker's first second opens its connections to the provider (one per send in flight) and runs code V8
      // has not compiled yet: those sends go first and are left out of the rate (reported beside it).
      const warmUp = Math.round(bound * (options.quick ? 0.25 : 1));
      const { herald: run, sdk, channel } = await measureAtConcurrency(options, concurrency, size, warmUp);
      const efficiency = run.perSecond / bound;
      const goal = concurrency === GOAL.concurrency;
      rows.push({
        scenario: 'latency',
        metric: `${PROVIDER_LATENCY_MS} ms provider, concurrency ${concurrency}: ÷ (${concurrency} ÷ ${PROVIDER_LATENCY_MS / 1000} s)`,
        herald: perSecond(run.perSecond),
        baseline: perSecond(bound),
        ratio: `${efficiency.toFixed(2)}×`,
        goal: goal ? `≥ ${GOAL.efficiency}×` : 'report',
        met: goal ? efficiency >= GOAL.efficiency : null,
        details: [
          `concurrency ${concurrency}: ${count(size)} SMS in ${seconds(run.elapsedMs)} after ${count(warmUp)} from a cold worker ` +
            `(with them: ${perSecond(run.coldPerSecond)}, ${(run.coldPerSecond / bound).toFixed(2)}×); Postgres connections of the database at once: at most ${run.peakOpen} open, ` +
            `${run.peakBusy} busy (API's and worker's pools, not idle); CPU over every send ${(run.cpuMs / run.coldElapsedMs).toFixed(2)} cores, ${run.cpuPerSms} per SMS`,
        ],
      });
      rows.push({
        scenario: 'latency',
        metric: `${PROVIDER_LATENCY_MS} ms provider, concurrency ${concurrency}: ÷ sdk-ceiling at the same concurrency`,
        herald: perSecond(run.perSecond),
        baseline: perSecond(sdk.perSecond),
        ratio: `${(run.perSecond / sdk.perSecond).toFixed(2)}×`,
        goal: 'report',
        met: null,
        details: [
          `sdk-ceiling at concurrency ${concurrency}, same fake and latency, no database: ${perSecond(sdk.perSecond)} after the same ${count(warmUp)} from a cold worker, ` +
            `${(sdk.perSecond / bound).toFixed(2)}× the bound; CPU over every send ${(sdk.cpuMs / sdk.coldElapsedMs).toFixed(2)} cores, ${sdk.cpuPerSms} per SMS`,
          `Herald's SMS channel alone (the same worker sending through TwilioSmsChannel: the SDK over undici), no database: ${perSecond(channel.perSecond)}, ` +
            `${(channel.perSecond / bound).toFixed(2)}× the bound, Herald ÷ it ${(run.perSecond / channel.perSecond).toFixed(2)}×; CPU over every send ` +
            `${(channel.cpuMs / channel.coldElapsedMs).toFixed(2)} cores, ${channel.cpuPerSms} per SMS`,
        ],
      });
    }
    return rows;
  },
};

/** The same sends made by a provider-bound baseline (BullMQ + the Twilio SDK, no database) in the same run. */
interface BaselineRun {
  perSecond: number;
  coldElapsedMs: number;
  cpuMs: number;
  cpuPerSms: string;
}

interface LatencyRun {
  /** From the first provider call after the warm-up to the last `sent` in Postgres. */
  perSecond: number;
  /** Every send, from the queue's resume. */
  coldPerSecond: number;
  coldElapsedMs: number;
  elapsedMs: number;
  peakOpen: number;
  peakBusy: number;
  cpuMs: number;
  cpuPerSms: string;
}

async function measureAtConcurrency(
  options: Parameters<Scenario['run']>[0],
  concurrency: number,
  size: number,
  warmUp: number,
): Promise<{ herald: LatencyRun; sdk: BaselineRun; channel: BaselineRun }> {
  const total = warmUp + size;
  const stack = await startBenchStack(options, `latency-${concurrency}`, { WORKER_CRITICAL_CONCURRENCY: String(concurrency) });
  const queue = openQueue(stack.environment.env, CRITICAL_QUEUE);
  try {
    const jobOptions = await learnSendJobOptions(stack.merchant, stack.environment.env, CRITICAL_QUEUE);
    stack.twilio.delayMs = PROVIDER_LATENCY_MS;
    await queue.pause();
    const seeded = await insertDueSms(stack.environment, stack.merchant.merchantId, total);
    await addSendJobs(queue, seeded, jobOptions);
    await stack.startWorkers(1);
    const connections = await ConnectionSampler.start(stack);
    const cpu = await CpuMeter.start({
      processes: { worker: [stack.workers[0].child.pid!], api: [stack.api.child.pid!], 'fake + harness': [process.pid] },
      databaseUrl: stack.environment.env.DATABASE_URL,
      redisUrl: stack.environment.env.REDIS_URL,
    });
    const startedAt = Date.now();
    await queue.resume();
    await waitForProviderCalls(stack.twilio, total, 60_000 + total * 20);
    let last = 0;
    await waitUntil(
      `${total} notifications to be sent in Postgres`,
      async () => {
        const [sent] = await stack.environment.query<{ count: string; last: string }>(
          `SELECT count(*), round(extract(epoch FROM max(updated_at)) * 1000) AS last FROM notifications WHERE status = 'sent'`,
        );
        last = Number(sent.last);
        return Number(sent.count) === total;
      },
      10_000,
    );
    const used = await cpu.stop();
    const { peakOpen, peakBusy } = await connections.stop();
    const measuredFrom = firstCallAfterWarmUp(stack.twilio.sent(), warmUp);
    const elapsedMs = last - measuredFrom;
    await stack.stopWorkers();
    return {
      herald: {
        perSecond: (size * 1000) / elapsedMs,
        coldPerSecond: (total * 1000) / (last - startedAt),
        coldElapsedMs: last - startedAt,
        elapsedMs,
        peakOpen,
        peakBusy,
        cpuMs: used.totalMs,
        cpuPerSms: cpuPerItem(used, total),
      },
      sdk: await baselineAtConcurrency(stack, jobOptions, 'sdk-ceiling', concurrency, total, warmUp),
      channel: await baselineAtConcurrency(stack, jobOptions, 'herald-channel', concurrency, total, warmUp),
    };
  } finally {
    await queue.close();
    await stack.stop();
  }
}

/** A baseline worker draining as many sends at the same concurrency, its rate taken after the same warm-up. */
async function baselineAtConcurrency(
  stack: BenchStack,
  jobOptions: JobsOptions,
  mode: 'sdk-ceiling' | 'herald-channel',
  concurrency: number,
  total: number,
  warmUp: number,
): Promise<BaselineRun> {
  const callsBefore = stack.twilio.calls.length;
  const drained = await sdkDrain(stack, jobOptions, total, mode, { concurrency });
  const endedAt = drained.startedAt + drained.elapsedMs;
  return {
    perSecond: ((total - warmUp) * 1000) / (endedAt - firstCallAfterWarmUp(stack.twilio.calls.slice(callsBefore), warmUp)),
    coldElapsedMs: drained.elapsedMs,
    cpuMs: drained.cpu.totalMs,
    cpuPerSms: cpuPerItem(drained.cpu, total),
  };
}

/** When the measured sends began: the provider received the first call after the warm-up's. */
function firstCallAfterWarmUp(calls: { at: number }[], warmUp: number): number {
  return calls.map((call) => call.at).sort((a, b) => a - b)[warmUp];
}

/** Samples pg_stat_activity for the benchmark's database every few milliseconds: connections open, and busy. */
class ConnectionSampler {
  private peakOpen = 0;
  private peakBusy = 0;
  private running = true;
  private readonly loop: Promise<void>;

  private constructor(private readonly client: Client) {
    this.loop = this.sample();
  }

  static async start(stack: BenchStack): Promise<ConnectionSampler> {
    const client = new Client({ connectionString: stack.environment.env.DATABASE_URL });
    await client.connect();
    return new ConnectionSampler(client);
  }

  async stop(): Promise<{ peakOpen: number; peakBusy: number }> {
    this.running = false;
    await this.loop;
    await this.client.end();
    return { peakOpen: this.peakOpen, peakBusy: this.peakBusy };
  }

  private async sample(): Promise<void> {
    while (this.running) {
      const { rows } = await this.client.query<{ open: number; busy: number }>(
        `SELECT count(*)::int AS open, (count(*) FILTER (WHERE state <> 'idle'))::int AS busy
         FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      );
      this.peakOpen = Math.max(this.peakOpen, rows[0].open);
      this.peakBusy = Math.max(this.peakBusy, rows[0].busy);
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
    }
  }
}
