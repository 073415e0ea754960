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

/** Issue 24's goals: ratios to the hand-written endpoint of the same run. */
const GOAL = { ratio: 0.8, p99Ratio: 2.0 };
/** Herald's Postgres pool size (dataSourceOptions), given to the baseline too. */
const POOL_SIZE = 20;
const READY_TIMEOUT_MS = 30_000;

interface IngestRun {
  orders: number;
  cpu: CpuUse;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  failures: number;
}

/**
 * POST /v1/orders under autocannon, next to a hand-written endpoint (plain node:http, bench/baselines/raw-ingest.ts)
 * storing the same rows and jobs, in its own process, under the same load generator.
 */
export const ingest: Scenario = {
  name: 'ingest',
  async run(options) {
    const size = options.quick ? { connections: 10, seconds: 5 } : { connections: 50, seconds: 15 };
    // No worker: the confirmations wait in the queue, so the figure is the API's alone, as the baseline's is.
    const stack = await startBenchStack(options, 'ingest');
    try {
      const herald = await load(stack, stack.apiUrl, { authorization: `Bearer ${stack.merchant.apiKey}` }, { api: [stack.api.child.pid!] }, 20_000_000, size);
      const orders = await stack.environment.query<{ n: string }>('SELECT count(*) AS n FROM orders');
      const raw = await handWrittenIngest(stack, size);
      return [
        {
          scenario: 'ingest',
          metric: `POST /v1/orders, ${size.connections} connections, ${size.seconds} s`,
          herald: `${perSecond(herald.perSecond)} (p99 ${ms(herald.p99)})`,
          baseline: `${perSecond(raw.perSecond)} (p99 ${ms(raw.p99)})`,
          ratio: ratio(herald.perSecond, raw.perSecond),
          goal: `≥ ${GOAL.ratio}× hand-written`,
          met: herald.perSecond / raw.perSecond >= GOAL.ratio,
          details: [
            `Herald: ${latencies(herald)}; ${count(herald.failures)} non-201 answers or errors; ${count(Number(orders[0].n))} orders in Postgres`,
            `hand-written endpoint (node:http, JSON.parse, one transaction: customer, order, its two notifications and their first events; two BullMQ adds, the reminder delayed; its own process, the same autocannon): ${latencies(raw)}; ${count(raw.failures)} non-201 answers or errors`,
          ],
        },
        {
          scenario: 'ingest',
          metric: `p99 of POST /v1/orders, ${size.connections} connections`,
          herald: ms(herald.p99),
          baseline: ms(raw.p99),
          ratio: ratio(herald.p99, raw.p99),
          goal: `≤ ${GOAL.p99Ratio.toFixed(1)}× hand-written`,
          met: herald.p99 / raw.p99 <= GOAL.p99Ratio,
          details: [],
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
            `CPU per order, Herald: ${cpuPerItem(herald.cpu, herald.orders)}`,
            `CPU per order, hand-written endpoint: ${cpuPerItem(raw.cpu, raw.orders)}; autocannon runs in the bench process for both`,
          ],
        },
      ];
    } finally {
      await stack.stop();
    }
  },
};

/** `connections` autocannon connections posting new orders to `origin` for `seconds`, with the CPU of every process. */
async function load(
  stack: BenchStack,
  origin: string,
  headers: Record<string, string>,
  server: Record<string, number[]>,
  firstPhone: number,
  { connections, seconds }: { connections: number; seconds: number },
): Promise<IngestRun> {
  let sequence = 0;
  const cpu = await CpuMeter.start(cpuParticipants(stack, { ...server, 'autocannon + harness': [process.pid] }));
  const result = await autocannon({
    url: `${origin}/v1/orders`,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json', ...headers },
    requests: [{ setupRequest: (request) => ({ ...request, body: JSON.stringify(orderBody(firstPhone + sequence++)) }) }],
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
    customer: { name: 'Ada', phone: phoneNumber(n), locale: 'en' },
    pickupAt: new Date(Date.now() + 3 * 3600_000).toISOString(),
    reminderBefore: 'PT1H',
  };
}

async function handWrittenIngest(stack: BenchStack, size: { connections: number; seconds: number }): Promise<IngestRun> {
  const { env } = stack.environment;
  const config: RawIngestConfig = {
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    prefix: env.QUEUE_PREFIX,
    queue: `raw-${CRITICAL_QUEUE}`,
    jobOptions: await learnSendJobOptions(stack.merchant, env, CRITICAL_QUEUE),
    merchantId: stack.merchant.merchantId,
    poolSize: POOL_SIZE,
  };
  const endpoint = BaselineProcess.start<RawIngestMessage>('raw-ingest', config);
  try {
    const { port } = await endpoint.next('ready', READY_TIMEOUT_MS);
    return await load(stack, `http://127.0.0.1:${port}`, {}, { 'hand-written endpoint': [endpoint.pid] }, 60_000_000, size);
  } finally {
    await endpoint.stop();
  }
}

function cpuParticipants(stack: BenchStack, processes: Record<string, number[]>) {
  return { processes, databaseUrl: stack.environment.env.DATABASE_URL, redisUrl: stack.environment.env.REDIS_URL };
}
