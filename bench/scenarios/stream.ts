import { readFileSync } from 'node:fs';
import { Pool } from 'pg';
import { encodeSignal, signalChannel } from '../../libs/events/src/signal-channels';
import { createRedisClient } from '../../libs/redis/src/redis-clients';
import { EventStreamClient } from '../../test/support/event-stream-client';
import { startBenchStack } from '../support/bench-stack';
import { bytes, count, latencies, ms, perSecond } from '../support/format';
import { Scenario } from '../support/measurement';
import { insertMerchants, insertNotifications } from '../support/seed';
import { distribution } from '../support/stats';
import { sleep, waitUntil } from '../support/wait';

const GOAL_P99_MS = 100;
/** Events are committed in small groups, as the worker's group commit of `sent` writes does. */
const COMMIT_EVERY_MS = 10;

interface Load {
  merchants: number;
  streamsPerMerchant: number;
  eventsPerSecond: number;
  seconds: number;
}

/**
 * Live events on one API instance: the memory an open event stream costs, and the latency from an event's commit to
 * its arrival on every open stream of its merchant, at a steady event rate. The events are written by the benchmark
 * the way Herald's writers do (a history row per status change, a commit, then one Redis signal per commit, on
 * Herald's channel and in its format), so the figure is the stream's path alone — signal, read from Postgres, SSE write — and
 * the clock starts when COMMIT returned. Through the API and the workers the same path adds their own queueing
 * (test/e2e/live-events prints that figure).
 */
export const stream: Scenario = {
  name: 'stream',
  async run(options) {
    const load: Load = options.quick
      ? { merchants: 10, streamsPerMerchant: 10, eventsPerSecond: 100, seconds: 3 }
      : { merchants: 100, streamsPerMerchant: 10, eventsPerSecond: 500, seconds: 20 };
    const streams = load.merchants * load.streamsPerMerchant;
    const stack = await startBenchStack(options, 'stream', { SSE_MAX_STREAMS_PER_MERCHANT: String(load.streamsPerMerchant) });
    const clients: EventStreamClient[] = [];
    const db = new Pool({ connectionString: stack.environment.env.DATABASE_URL, max: 4 });
    const redis = createRedisClient({ kind: 'single', url: stack.environment.env.REDIS_URL }, 'bench:signals');
    const signal = (merchantIds: string[]) => void redis.publish(signalChannel(stack.environment.env.QUEUE_PREFIX, 'events'), encodeSignal(merchantIds));
    try {
      const merchants = await insertMerchants(stack.environment, load.merchants);
      const notifications = await Promise.all(
        merchants.map((merchant, i) =>
          insertNotifications(stack.environment, {
            merchantId: merchant.merchantId,
            count: 1,
            priority: 'critical',
            status: 'scheduled',
            firstDueAt: Date.now() + 3600_000,
            spacingMs: 0,
            firstPhone: 50_000_000 + i,
          }).then(([notification]) => ({ merchantId: merchant.merchantId, notificationId: notification.id })),
        ),
      );
      const open = (apiKey: string) => EventStreamClient.connect(`${stack.apiUrl}/v1/events/stream`, { authorization: `Bearer ${apiKey}` });
      // One stream opened and closed first, so the figure below is what each further stream adds.
      (await open(merchants[0].apiKey)).close();
      await sleep(1000);
      const rssBefore = residentBytes(stack.api.child.pid!);
      for (const merchant of merchants) {
        for (let i = 0; i < load.streamsPerMerchant; i += 1) clients.push(await open(merchant.apiKey));
      }
      await sleep(2000);
      const perStream = (residentBytes(stack.api.child.pid!) - rssBefore) / streams;

      const { committedAt, elapsedMs } = await writeAtSteadyRate(db, signal, notifications, load);
      const expected = committedAt.size * load.streamsPerMerchant;
      const received = () => clients.reduce((sum, client) => sum + client.events.length, 0);
      await waitUntil(`${count(expected)} events on the streams`, () => received() >= expected, 60_000, 100);
      await sleep(500);

      const delays = clients.flatMap((client) => client.events.map((event) => event.receivedAt - committedAt.get(event.data.providerMessageId)!));
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
          metric: `commit→event p99 at ${perSecond(load.eventsPerSecond)} to ${count(streams)} streams`,
          herald: ms(latency.p99),
          baseline: '—',
          ratio: '—',
          goal: `p99 ≤ ${GOAL_P99_MS} ms`,
          met: latency.p99 <= GOAL_P99_MS,
          details: [
            `commit to arrival on a stream: ${latencies(latency)} over ${count(latency.count)} deliveries (${count(committedAt.size)} events ` +
              `committed at ${perSecond((committedAt.size * 1000) / elapsedMs)}, each to the ${load.streamsPerMerchant} streams of its merchant); ` +
              `${count(received() - expected)} extra and ${count(duplicates)} duplicate deliveries`,
          ],
        },
      ];
    } finally {
      for (const client of clients) client.close();
      redis.disconnect();
      await db.end();
      await stack.stop();
    }
  },
};

/**
 * Commits `eventsPerSecond` history events for `seconds`, a group every COMMIT_EVERY_MS spread over the merchants,
 * each group followed by its signal. Each event is tagged (as its providerMessageId) so its commit time can be found.
 */
async function writeAtSteadyRate(
  db: Pool,
  signal: (merchantIds: string[]) => void,
  notifications: { merchantId: string; notificationId: string }[],
  load: Load,
): Promise<{ committedAt: Map<string, number>; elapsedMs: number }> {
  const committedAt = new Map<string, number>();
  const perGroup = Math.max(1, Math.round((load.eventsPerSecond * COMMIT_EVERY_MS) / 1000));
  const groups = Math.round((load.seconds * 1000) / COMMIT_EVERY_MS);
  const start = Date.now();
  let sequence = 0;
  const inFlight = new Set<Promise<void>>();
  for (let group = 0; group < groups; group += 1) {
    const due = start + group * COMMIT_EVERY_MS;
    if (due > Date.now()) await sleep(due - Date.now());
    const batch = Array.from({ length: perGroup }, () => {
      sequence += 1;
      return { ...notifications[sequence % notifications.length], tag: `bench-${sequence}` };
    });
    const write = db
      .query(
        `INSERT INTO notification_events (notification_id, merchant_id, status, detail)
         SELECT n, m, 'sent', jsonb_build_object('provider', 'twilio', 'providerMessageId', t) FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS u(n, m, t)`,
        [batch.map((e) => e.notificationId), batch.map((e) => e.merchantId), batch.map((e) => e.tag)],
      )
      .then(() => {
        const now = Date.now();
        for (const event of batch) committedAt.set(event.tag, now);
        signal([...new Set(batch.map((e) => e.merchantId))]);
      })
      .finally(() => inFlight.delete(write));
    inFlight.add(write);
  }
  await Promise.all(inFlight);
  return { committedAt, elapsedMs: Date.now() - start };
}

/** The process's resident set size (Linux), what an operator's memory graph shows. */
function residentBytes(pid: number): number {
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (!kib) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) * 1024;
}
