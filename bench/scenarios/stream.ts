import { readFileSync } from 'node:fs';
import { EventStreamClient } from '../../test/support/event-stream-client';
import { HeraldClient } from '../../test/support/herald-client';
import { startBenchStack } from '../support/bench-stack';
import { bytes, count, latencies, ms, perSecond } from '../support/format';
import { Scenario } from '../support/measurement';
import { phoneNumber } from '../support/seed';
import { distribution } from '../support/stats';
import { sleep, waitUntil } from '../support/wait';

const GOAL_P99_MS = 100;
/** Each one-off SMS makes three events: queued (API), sending and sent (worker). */
const EVENTS_PER_NOTIFICATION = 3;
const MAX_IN_FLIGHT = 50;

interface Load {
  merchants: number;
  streamsPerMerchant: number;
  eventsPerSecond: number;
  seconds: number;
}

/**
 * Live events on one API instance: the memory an open event stream costs, and the latency from an event's write in
 * Postgres (its `at`) to its arrival on every open stream of its merchant, at a steady event rate. The notifications
 * are created through the API and sent by one worker, so every event takes Herald's whole path: the writer's commit,
 * the Redis signal, the hub's read of Postgres, the SSE write.
 */
export const stream: Scenario = {
  name: 'stream',
  async run(options) {
    const load: Load = options.quick
      ? { merchants: 10, streamsPerMerchant: 10, eventsPerSecond: 60, seconds: 4 }
      : { merchants: 100, streamsPerMerchant: 10, eventsPerSecond: 500, seconds: 20 };
    const streams = load.merchants * load.streamsPerMerchant;
    const stack = await startBenchStack(options, 'stream', { SSE_MAX_STREAMS_PER_MERCHANT: String(load.streamsPerMerchant) }, 1);
    const clients: EventStreamClient[] = [];
    try {
      const merchants = await Promise.all(Array.from({ length: load.merchants }, () => new HeraldClient(stack.apiUrl).createMerchant()));
      // One stream open and closed first, so the figure below is what each further stream adds.
      (await EventStreamClient.connect(`${stack.apiUrl}/v1/events/stream`, { authorization: `Bearer ${merchants[0].apiKey}` })).close();
      await sleep(1000);
      const rssBefore = residentBytes(stack.api.child.pid!);
      for (const merchant of merchants) {
        for (let i = 0; i < load.streamsPerMerchant; i += 1) {
          clients.push(await EventStreamClient.connect(`${stack.apiUrl}/v1/events/stream`, { authorization: `Bearer ${merchant.apiKey}` }));
        }
      }
      await sleep(2000);
      const perStream = (residentBytes(stack.api.child.pid!) - rssBefore) / streams;

      const notifications = Math.round((load.eventsPerSecond * load.seconds) / EVENTS_PER_NOTIFICATION);
      const started = Date.now();
      await createAtSteadyRate(merchants, notifications, load.seconds * 1000);
      const expected = notifications * EVENTS_PER_NOTIFICATION * load.streamsPerMerchant;
      const received = () => clients.reduce((sum, client) => sum + client.events.length, 0);
      await waitUntil(`${count(expected)} events on the streams`, () => received() >= expected, 60_000, 100);
      const elapsed = (Date.now() - started) / 1000;
      await sleep(500);

      const delays = clients.flatMap((client) => client.events.map((event) => event.receivedAt - Date.parse(event.data.at)));
      const duplicates = clients.reduce((sum, client) => sum + client.events.length - new Set(client.events.map((e) => e.id)).size, 0);
      const latency = distribution(delays);
      return [
        {
          scenario: 'stream',
          metric: `memory per open stream, ${count(streams)} streams on one API`,
          herald: bytes(perStream),
          baseline: '—',
          ratio: '—',
          goal: 'report',
          met: null,
          details: [`API resident memory grew ${bytes(perStream * streams)} for ${count(streams)} streams (${load.merchants} merchants × ${load.streamsPerMerchant})`],
        },
        {
          scenario: 'stream',
          metric: `write→event p99 at ${perSecond(load.eventsPerSecond)} to ${count(streams)} streams`,
          herald: ms(latency.p99),
          baseline: '—',
          ratio: '—',
          goal: `p99 ≤ ${GOAL_P99_MS} ms`,
          met: latency.p99 <= GOAL_P99_MS,
          details: [
            `write in Postgres (the event's at) to arrival on a stream: ${latencies(latency)} over ${count(latency.count)} deliveries ` +
              `(${count(notifications * EVENTS_PER_NOTIFICATION)} events × ${load.streamsPerMerchant} streams each, ${perSecond((notifications * EVENTS_PER_NOTIFICATION) / elapsed)} produced); ` +
              `${count(received() - expected)} extra and ${count(duplicates)} duplicate deliveries`,
          ],
        },
      ];
    } finally {
      for (const client of clients) client.close();
      await stack.stop();
    }
  },
};

/** POST /v1/notifications `total` times spread evenly over `durationMs`, round-robin over the merchants. */
async function createAtSteadyRate(merchants: HeraldClient[], total: number, durationMs: number): Promise<void> {
  const start = Date.now();
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < total; i += 1) {
    const due = start + (i * durationMs) / total;
    if (due > Date.now()) await sleep(due - Date.now());
    while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    const request = merchants[i % merchants.length]
      .request('POST', '/v1/notifications', { channel: 'sms', to: { phone: phoneNumber(40_000_000 + i) }, body: 'Your order is ready' })
      .then((response) => {
        if (response.status !== 201) throw new Error(`POST /v1/notifications answered ${response.status}`);
      })
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  }
  await Promise.all(inFlight);
}

/** The process's resident set size (Linux), what an operator's memory graph shows. */
function residentBytes(pid: number): number {
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (!kib) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) * 1024;
}
