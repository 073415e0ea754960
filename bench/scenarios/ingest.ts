import autocannon from 'autocannon';
import { CRITICAL_QUEUE } from '../../libs/queues/src/queue-names';
import type { RawIngestConfig, RawIngestMessage } from '../baselines/raw-ingest';
import { BaselineProcess } from '../support/baseline-process';
import { BenchStack, startBenchStack } from '../support/bench-stack';
import { CpuMeter, cpuPerItem, CpuUse } from '../support/cpu-meter';
import { count, latencies, ms, perSecond, ratio } from '../support/format';
import { Scenario } from '../support/measurement';
import { learnSendJobOptions } from '../support/queues';
import { phoneNumber } from '../support/seed';
import { distribution } from '../support/stats';

const GOAL = { perSecond: 2_000, p99Ms: 50, ratio: 0.6 };
/** Herald's Postgres pool size (dataSourceOptions), given to the baseline too. */
const POOL_SIZE = 20;

interface IngestRun {
  orders: number;
  cpu: CpuUse;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  failures: number;
}

/** POST /v1/orders under autocannon, next to a plain pg + bullmq script storing the same rows and jobs. */
export const ingest: Scenario = {
  name: 'ingest',
  async run(options) {
    const size = options.quick ? { connections: 10, seconds: 5 } : { connections: 50, seconds: 20 };
    // No worker: the confirmations wait in the queue, so the figure is the API's alone, as the baseline's is.
    const stack = await startBenchStack(options, 'ingest');
    try {
      const herald = await heraldIngest(stack, size.connections, size.seconds);
      const orders = await stack.environment.query<{ n: string }>('SELECT count(*) AS n FROM orders');
      const raw = await rawIngest(stack, size.connections, size.seconds);
      return [
        {
          scenario: 'ingest',
          metric: `POST /v1/orders, ${size.connections} connections, ${size.seconds} s`,
          herald: `${perSecond(herald.perSecond)} (p99 ${ms(herald.p99)})`,
          baseline: `${perSecond(raw.perSecond)} (p99 ${ms(raw.p99)})`,
          ratio: ratio(herald.perSecond, raw.perSecond),
          goal: `≥ ${count(GOAL.perSecond)}/s at p99 ≤ ${GOAL.p99Ms} ms, ≥ ${GOAL.ratio}× raw`,
          met: herald.perSecond >= GOAL.perSecond && herald.p99 <= GOAL.p99Ms && herald.perSecond / raw.perSecond >= GOAL.ratio,
          details: [
            `Herald: ${latencies(herald)}; ${count(herald.failures)} non-201 answers or errors; ${count(Number(orders[0].n))} orders in Postgres`,
            `raw pg + bullmq script: ${latencies(raw)}; ${count(raw.failures)} failures`,
          ],
        },
        {
          scenario: 'ingest',
          metric: 'CPU per order, all processes',
          herald: `${(herald.cpu.totalMs / herald.orders).toFixed(2)} ms`,
          baseline: `${(raw.cpu.totalMs / raw.orders).toFixed(2)} ms`,
          ratio: ratio(herald.cpu.totalMs / herald.orders, raw.cpu.totalMs / raw.orders),
          goal: 'report',
          met: null,
          details: [
            `CPU per order, Herald: ${cpuPerItem(herald.cpu, herald.orders)}; the load generator is autocannon in the bench process`,
            `CPU per order, raw: ${cpuPerItem(raw.cpu, raw.orders)}; the raw script is its own load generator`,
          ],
        },
      ];
    } finally {
      await stack.stop();
    }
  },
};

async function heraldIngest(stack: BenchStack, connections: number, seconds: number): Promise<IngestRun> {
  let sequence = 0;
  const cpu = await CpuMeter.start(cpuParticipants(stack, { api: [stack.api.child.pid!], 'autocannon + harness': [process.pid] }));
  const result = await autocannon({
    url: `${stack.apiUrl}/v1/orders`,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.merchant.apiKey}` },
    requests: [{ setupRequest: (request) => ({ ...request, body: JSON.stringify(orderBody(sequence++)) }) }],
  });
  return {
    orders: result['2xx'],
    cpu: await cpu.stop(),
    perSecond: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/** A new customer each time, as a shop's orders mostly are (one shared customer row would serialize the upserts). */
function orderBody(n: number) {
  return {
    reference: `BENCH-${n}`,
    customer: { name: 'Ada', phone: phoneNumber(20_000_000 + n), locale: 'en' },
    pickupAt: new Date(Date.now() + 3 * 3600_000).toISOString(),
    reminderBefore: 'PT1H',
  };
}

async function rawIngest(stack: BenchStack, connections: number, seconds: number): Promise<IngestRun> {
  const { env } = stack.environment;
  const config: RawIngestConfig = {
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    prefix: env.QUEUE_PREFIX,
    queue: `raw-${CRITICAL_QUEUE}`,
    jobOptions: await learnSendJobOptions(stack.merchant, env, CRITICAL_QUEUE),
    merchantId: stack.merchant.merchantId,
    connections,
    durationMs: seconds * 1000,
    poolSize: POOL_SIZE,
    firstPhone: 60_000_000,
  };
  const cpu = await CpuMeter.start(cpuParticipants(stack, { harness: [process.pid] }));
  const baseline = BaselineProcess.start<RawIngestMessage>('raw-ingest', config);
  try {
    const result = await baseline.next('result', config.durationMs + 30_000);
    const used = await cpu.stop();
    used.byGroup['raw script'] = result.cpuMs;
    used.totalMs += result.cpuMs;
    if (result.firstFailure) process.stderr.write(`raw ingest: ${result.failures} failures, first: ${result.firstFailure}\n`);
    const d = distribution(result.latencies);
    return { orders: d.count, cpu: used, perSecond: d.count / seconds, p50: d.p50, p99: d.p99, max: d.max, failures: result.failures };
  } finally {
    await baseline.stop();
  }
}

function cpuParticipants(stack: BenchStack, processes: Record<string, number[]>) {
  return { processes, databaseUrl: stack.environment.env.DATABASE_URL, redisUrl: stack.environment.env.REDIS_URL };
}
