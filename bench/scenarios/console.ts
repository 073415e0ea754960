import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { encodeSignal, signalChannel } from '../../libs/events/src/signal-channels';
import { createRedisClient } from '../../libs/redis/src/redis-clients';
import { launchChromium, openSignedIn } from '../../test/support/console-browser';
import { EventStreamClient } from '../../test/support/event-stream-client';
import { makeOrder, mapConcurrent } from '../../test/support/herald-client';
import { ROOT } from '../../test/support/test-environment';
import { startBenchStack } from '../support/bench-stack';
import { bytes, count, latencies, ms, perSecond, ratio } from '../support/format';
import { Scenario } from '../support/measurement';
import { distribution } from '../support/stats';
import { sleep, waitUntil } from '../support/wait';

const FIRST_LOAD_BUDGET = 250 * 1024;
const GOAL_P99_MS = 1000;
/** Statuses each confirmation goes through in turn, so every event changes what its row shows. */
const CYCLE = ['sending', 'sent', 'delivered', 'queued'] as const;

/** The scripts and styles the console's page loads first, and their sizes as served brotli- and gzip-compressed. */
function firstLoad(): { files: string[]; brotli: number; gzip: number } {
  const dir = join(ROOT, 'dist/apps/console');
  const page = readFileSync(join(dir, 'index.html'), 'utf8');
  const files = [...page.matchAll(/(?:src|href)="\/console\/(assets\/[^"]+\.(?:js|css))"/g)].map((match) => match[1]);
  const size = (file: string) => (existsSync(file) ? statSync(file).size : Number.NaN);
  return {
    files,
    brotli: files.reduce((sum, file) => sum + size(join(dir, `${file}.br`)), 0),
    gzip: files.reduce((sum, file) => sum + size(join(dir, `${file}.gz`)), 0),
  };
}

/**
 * The merchant console: what its first load costs (compressed scripts and styles, as the API serves them), and how
 * soon a committed status change shows on the Today page in Debian's Chromium, at 50 events a second over 25 orders.
 * The events are written as Herald's writers write them (a history row, a commit, a Redis signal), as in *stream*;
 * the clock starts when COMMIT returned and stops when the page's row changed (a MutationObserver in the page, same
 * machine clock). The baseline, in the same run: a plain Node SSE client on the same merchant's stream, i.e. the path
 * to the browser without parsing, rendering or the browser itself.
 */
export const consoleScenario: Scenario = {
  name: 'console',
  async run(options) {
    const load = options.quick ? { orders: 10, eventsPerSecond: 50, seconds: 3 } : { orders: 25, eventsPerSecond: 50, seconds: 10 };
    const bundle = firstLoad();
    const stack = await startBenchStack(options, 'console');
    const db = new Pool({ connectionString: stack.environment.env.DATABASE_URL, max: 2 });
    const redis = createRedisClient({ kind: 'single', url: stack.environment.env.REDIS_URL }, 'bench:signals');
    const browser = await launchChromium();
    let raw: EventStreamClient | undefined;
    try {
      const merchant = stack.merchant;
      const orders = await mapConcurrent(Array.from({ length: load.orders }), 4, (_, index) =>
        merchant.request('POST', '/v1/orders', makeOrder({ reference: `BENCH-${index}`, pickupAt: new Date(Date.now() + 3 * 3600_000).toISOString() })),
      );
      const confirmations = orders.map(({ body }) => body.notifications.find((n: { kind: string }) => n.kind === 'confirmation').id as string);
      const { page } = await openSignedIn(browser, stack.apiUrl, merchant.apiKey!);
      await waitUntil('every order on Today', async () => (await page.locator('[data-order]').count()) === load.orders, 30_000, 100);
      await page.evaluate(`
        window.changes = [];
        new MutationObserver((records) => {
          const at = Date.now();
          for (const record of records) {
            const badge = record.target;
            const row = badge.closest && badge.closest('[data-notification]');
            if (row) window.changes.push({ id: row.dataset.notification, status: badge.getAttribute('data-status'), at });
          }
        }).observe(document.querySelector('main'), { subtree: true, attributes: true, attributeFilter: ['data-status'] });`);
      raw = await EventStreamClient.connect(`${stack.apiUrl}/v1/events/stream`, { authorization: `Bearer ${merchant.apiKey}` });
      await sleep(1000);

      const signal = () => void redis.publish(signalChannel(stack.environment.env.QUEUE_PREFIX, 'events'), encodeSignal([merchant.merchantId]));
      const total = load.eventsPerSecond * load.seconds;
      const commits: { id: string; status: string; at: number }[] = [];
      const start = Date.now();
      for (let sequence = 0; sequence < total; sequence += 1) {
        const due = start + (sequence * 1000) / load.eventsPerSecond;
        if (due > Date.now()) await sleep(due - Date.now());
        const id = confirmations[sequence % confirmations.length];
        const status = CYCLE[Math.floor(sequence / confirmations.length) % CYCLE.length];
        await db.query(`INSERT INTO notification_events (notification_id, merchant_id, status, detail) VALUES ($1, $2, $3, '{}'::jsonb)`, [id, merchant.merchantId, status]);
        commits.push({ id, status, at: Date.now() });
        signal();
      }
      const elapsedMs = Date.now() - start;
      const changes = () => page.evaluate<{ id: string; status: string; at: number }[]>('window.changes');
      await waitUntil(`${count(total)} row changes`, async () => (await changes()).length >= total, 60_000, 200);
      await waitUntil(`${count(total)} events on the raw stream`, () => raw!.events.length >= total, 60_000, 100);

      // Each notification's changes in the page, in order, against its commits, in order.
      const seen = new Map<string, { status: string; at: number }[]>();
      for (const change of await changes()) seen.set(change.id, [...(seen.get(change.id) ?? []), change]);
      const pageDelays: number[] = [];
      let mismatched = 0;
      const taken = new Map<string, number>();
      for (const commit of commits) {
        const index = taken.get(commit.id) ?? 0;
        taken.set(commit.id, index + 1);
        const change = seen.get(commit.id)?.[index];
        if (!change || change.status !== commit.status) mismatched += 1;
        else pageDelays.push(change.at - commit.at);
      }
      const rawDelays = raw.events.slice(0, total).map((event, index) => event.receivedAt - commits[index].at);
      const inPage = distribution(pageDelays);
      const onStream = distribution(rawDelays);
      return [
        {
          scenario: 'console',
          metric: 'first load: compressed JS + CSS',
          herald: bytes(bundle.brotli),
          baseline: '—',
          ratio: '—',
          goal: `≤ ${bytes(FIRST_LOAD_BUDGET)}`,
          met: bundle.brotli <= FIRST_LOAD_BUDGET && bundle.gzip <= FIRST_LOAD_BUDGET,
          details: [`first load: ${bundle.files.join(', ')}: ${bytes(bundle.brotli)} brotli (as Chromium gets them), ${bytes(bundle.gzip)} gzip`],
        },
        {
          scenario: 'console',
          metric: `commit→row change p99 at ${perSecond(load.eventsPerSecond)}`,
          herald: ms(inPage.p99),
          baseline: ms(onStream.p99),
          ratio: ratio(inPage.p99, onStream.p99),
          goal: `p99 ≤ ${ms(GOAL_P99_MS)}`,
          met: inPage.p99 <= GOAL_P99_MS && mismatched === 0,
          details: [
            `commit to the Today row changing in Chromium: ${latencies(inPage)} over ${count(inPage.count)} events on ${load.orders} orders ` +
              `(${count(total)} committed at ${perSecond((total * 1000) / elapsedMs)}); ${count(mismatched)} events without their change; ` +
              `baseline, a Node SSE client on the same stream: ${latencies(onStream)}`,
          ],
        },
      ];
    } finally {
      raw?.close();
      await browser.close();
      redis.disconnect();
      await db.end();
      await stack.stop();
    }
  },
};
