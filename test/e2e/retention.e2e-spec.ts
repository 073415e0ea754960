import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HeraldClient, makeOrder } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';
import { parseMetrics } from '../support/metrics-text';
import { insertPastOrder, makePastOrder, SeededPastOrder, seedFinishedOrders } from '../support/retention-seed';

jest.setTimeout(120_000);

/** Short, so a run whose workers were all killed is taken over within seconds. */
const LEASE_S = 8;
const MAX_RETENTION = 'P30D';
/** Where the log driver (the email channel here: SendGrid is not configured) keeps the files of the mails it sends. */
const MAIL_DIRECTORY = join(tmpdir(), 'herald-mail');

describe('data retention: the daily purge', () => {
  let stack: HeraldStack;
  const today = () => DateTime.utc().toISODate()!;
  const day = (back: number) => DateTime.utc().minus({ days: back }).toISODate()!;

  beforeAll(async () => {
    stack = await startStack({
      workers: 2,
      env: {
        RETENTION_TICK_EVERY: 'PT1S',
        RETENTION_LEASE: `PT${LEASE_S}S`,
        MAX_RETENTION,
        // The seeded pending notifications stay pending: no reconciliation skips or sends them during the test.
        RECONCILE_EVERY: 'PT1H',
        // Export days older than the day before yesterday are never sent again, so they may go with the retention.
        EXPORT_CATCH_UP_DAYS: '1',
        // Mails go to the log driver, which keeps their files under the workers' $TMPDIR/herald-mail.
        SENDGRID_API_KEY: '',
        SENDGRID_FROM: '',
        TMPDIR: tmpdir(),
      },
    });
    // The workers' first tick has run today's purge over an empty database.
    await runOf(today(), 30_000);
  });
  afterAll(() => stack?.stop());

  const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => stack.environment.query<T>(sql, params);
  const seed = (merchant: { merchantId: string }, order = makePastOrder(3)) => insertPastOrder(query, merchant.merchantId, order);

  /** The day's run once it is done; throws if it is not within `timeoutMs`. */
  async function runOf(runDay: string, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [run] = await query<{ state: string; attempts: number; purged: Record<string, number>; claimed_by: string }>(
        `SELECT state, attempts, purged, claimed_by FROM retention_runs WHERE day = $1`,
        [runDay],
      );
      if (run?.state === 'done') return run;
      if (Date.now() > deadline) throw new Error(`the purge of ${runDay} is not done after ${timeoutMs} ms: ${JSON.stringify(run)}`);
      await sleep(100);
    }
  }

  /** As if a new day began: today's run is forgotten, and the next tick (within a second) starts it again. */
  async function purgeAgain(timeoutMs = 60_000) {
    await query(`DELETE FROM retention_runs WHERE day = $1`, [today()]);
    return runOf(today(), timeoutMs);
  }

  const workerOutput = () => stack.workers.map((worker) => worker.output).join('\n');
  const countIn = (text: string, marker: string) => text.split(marker).length - 1;
  async function metrics() {
    const scrapes = await Promise.all(stack.workers.map(async (worker) => parseMetrics(await (await fetch(`${worker.metricsUrl}/metrics`)).text())));
    return { sum: (name: string, labels: Record<string, string> = {}) => scrapes.reduce((total, scrape) => total + scrape.sum(name, labels), 0) };
  }

  const exists = (path: string) => stat(path).then(() => true, () => false);
  /** An export of `exportDay` sent through the log driver: its ledger entry, and the file the driver kept. */
  async function sentExport(merchantId: string, exportDay: string) {
    const messageId = `log-${randomUUID()}`;
    const directory = join(MAIL_DIRECTORY, messageId);
    await mkdir(directory, { recursive: true });
    await writeFile(join(directory, `orders-${exportDay}.csv`), '\uFEFForder_reference\r\nA-1\r\n');
    await query(
      `INSERT INTO export_ledger (id, merchant_id, day, kind, state, recipients, attempts, provider, message_id, sent_at, file_name)
       VALUES (gen_random_uuid(), $1, $2, 'daily', 'sent', '{office@shop.test}', 1, 'log', $3, now(), $4)`,
      [merchantId, exportDay, messageId, `orders-${exportDay}.csv`],
    );
    return directory;
  }
  const ledgerDays = async (merchantId: string) =>
    (await query<{ day: string }>(`SELECT day::text FROM export_ledger WHERE merchant_id = $1 ORDER BY day`, [merchantId])).map((row) => row.day);

  async function rowsLeft(seeded: SeededPastOrder) {
    const [left] = await query<{ orders: number; notifications: number; events: number; deliveries: number }>(
      `SELECT (SELECT count(*)::int FROM orders WHERE id = $1) AS orders,
              (SELECT count(*)::int FROM notifications WHERE id = ANY($2::uuid[])) AS notifications,
              (SELECT count(*)::int FROM notification_events WHERE id = ANY($3::bigint[])) AS events,
              (SELECT count(*)::int FROM webhook_deliveries WHERE id = ANY($4::uuid[])) AS deliveries`,
      [seeded.orderId, seeded.notificationIds, seeded.eventIds, seeded.deliveryIds],
    );
    return left;
  }
  const all = (seeded: SeededPastOrder) => ({
    orders: 1,
    notifications: seeded.notificationIds.length,
    events: seeded.eventIds.length,
    deliveries: seeded.deliveryIds.length,
  });
  const none = { orders: 0, notifications: 0, events: 0, deliveries: 0 };

  /** An order made through the API, its confirmation sent and its reminder cancelled, then moved back in time. */
  async function finishedThroughTheApi(merchant: HeraldClient, phone: string, daysAgo: number): Promise<SeededPastOrder> {
    const created = await merchant.request('POST', '/v1/orders', makeOrder({ customer: { phone } }));
    expect(created.status).toBe(201);
    const orderId = created.body.id as string;
    await merchant.waitFor(`/v1/orders/${orderId}`, (order: any) => order.notifications.some((n: any) => n.kind === 'confirmation' && n.status === 'sent'));
    expect((await merchant.request('POST', `/v1/orders/${orderId}/cancel`)).status).toBe(200);
    await query(`UPDATE orders SET pickup_at = now() - $2 * interval '1 day', created_at = now() - ($2 + 1) * interval '1 day' WHERE id = $1`, [orderId, daysAgo]);
    const notifications = await query<{ id: string }>(`SELECT id FROM notifications WHERE order_id = $1`, [orderId]);
    const events = await query<{ id: string }>(`SELECT e.id::text FROM notification_events e JOIN notifications n ON n.id = e.notification_id WHERE n.order_id = $1`, [orderId]);
    return { orderId, notificationIds: notifications.map((n) => n.id), eventIds: events.map((e) => e.id), deliveryIds: [] };
  }

  it('deletes a P1D merchant’s finished orders picked up over a day ago, and old export days with their files, once across two workers', async () => {
    const shop = await stack.client.createMerchant({ name: 'Quick Forget', timezone: 'UTC' });
    const neighbour = await stack.client.createMerchant({ name: 'Keeps Things', timezone: 'UTC' });
    const capped = await stack.client.createMerchant({ name: 'Set Long Ago', timezone: 'UTC' });
    const patched = await shop.request('PATCH', '/v1/merchant', { retention: 'P1D' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ retention: 'P1D', effectiveRetention: 'P1D' });
    // Set before the operator lowered MAX_RETENTION to P30D: kept as it is, applied as P30D.
    await query(`UPDATE merchants SET retention = 'P1Y' WHERE id = $1`, [capped.merchantId]);
    expect((await capped.request('GET', '/v1/merchant')).body).toMatchObject({ retention: 'P1Y', effectiveRetention: MAX_RETENTION });
    expect((await neighbour.request('GET', '/v1/merchant')).body).toMatchObject({ retention: 'P90D', effectiveRetention: MAX_RETENTION });

    const gone = {
      finished: await seed(shop, makePastOrder(3, { webhooks: true })),
      cancelled: await seed(shop, makePastOrder(2, { notifications: [{ kind: 'confirmation', status: 'cancelled' }, { kind: 'reminder', status: 'cancelled' }] })),
      failed: await seed(shop, makePastOrder(5, { notifications: [{ kind: 'confirmation', status: 'dead', events: ['queued', 'sending', 'dead'] }] })),
      throughTheApi: await finishedThroughTheApi(shop, '+33611110001', 4),
      pastTheCap: await seed(capped, makePastOrder(40)),
    };
    const kept = {
      reminderPending: await seed(shop, makePastOrder(3, { notifications: [{ kind: 'confirmation', status: 'delivered' }, { kind: 'reminder', status: 'scheduled' }] })),
      stillSending: await seed(shop, makePastOrder(3, { notifications: [{ kind: 'confirmation', status: 'sending' }] })),
      pickedUpToday: await seed(shop, makePastOrder(0.5)),
      createdToday: await seed(shop, makePastOrder(3, { createdAt: new Date(Date.now() - 3600_000) })),
      neighbours: await seed(neighbour, makePastOrder(3, { webhooks: true })),
      neighboursOld: await seed(neighbour, makePastOrder(20)),
      cappedRecent: await seed(capped, makePastOrder(20)),
    };
    const oldFiles = [await sentExport(shop.merchantId, day(5)), await sentExport(shop.merchantId, day(3))];
    const keptFiles = [await sentExport(shop.merchantId, day(2)), await sentExport(shop.merchantId, day(1)), await sentExport(neighbour.merchantId, day(5))];

    const expected = Object.values(gone).reduce(
      (sum, seeded) => ({
        orders: sum.orders + 1,
        notifications: sum.notifications + seeded.notificationIds.length,
        events: sum.events + seeded.eventIds.length,
        webhookDeliveries: sum.webhookDeliveries + seeded.deliveryIds.length,
      }),
      { orders: 0, notifications: 0, events: 0, webhookDeliveries: 0 },
    );
    const before = await metrics();
    const startedBefore = countIn(workerOutput(), 'retention purge started');

    const run = await purgeAgain();
    // Both workers ticked every second while it ran and after: one claim, one run, its totals exactly what went.
    await sleep(2500);
    expect(run).toMatchObject({ attempts: 1, purged: { ...expected, exportDays: 2, exportFiles: 2 } });
    expect(countIn(workerOutput(), 'retention purge started') - startedBefore).toBe(1);
    const after = await metrics();
    expect(after.sum('herald_retention_runs_total') - before.sum('herald_retention_runs_total')).toBe(1);
    for (const [kind, count] of [['orders', expected.orders], ['notifications', expected.notifications], ['events', expected.events], ['webhook_deliveries', expected.webhookDeliveries], ['export_days', 2], ['export_files', 2]] as const) {
      expect(after.sum('herald_retention_purged_total', { kind }) - before.sum('herald_retention_purged_total', { kind })).toBe(count);
    }

    for (const seeded of Object.values(gone)) expect(await rowsLeft(seeded)).toEqual(none);
    for (const seeded of Object.values(kept)) expect(await rowsLeft(seeded)).toEqual(all(seeded));
    expect(await shop.request('GET', `/v1/orders/${gone.throughTheApi.orderId}`)).toMatchObject({ status: 404, body: { code: 'order_not_found' } });
    expect(await shop.request('GET', `/v1/notifications/${gone.throughTheApi.notificationIds[0]}`)).toMatchObject({ status: 404, body: { code: 'notification_not_found' } });
    expect((await shop.request('GET', `/v1/events?orderId=${gone.throughTheApi.orderId}`)).body.data).toEqual([]);
    expect((await shop.request('GET', `/v1/orders/${kept.reminderPending.orderId}`)).status).toBe(200);

    expect(await ledgerDays(shop.merchantId)).toEqual([day(2), day(1)]);
    expect(await ledgerDays(neighbour.merchantId)).toEqual([day(5)]);
    for (const directory of oldFiles) expect(await exists(directory)).toBe(false);
    for (const directory of keptFiles) expect(await exists(directory)).toBe(true);

    // The operator's record: one line per merchant purged, with counts and no customer's data; none for the neighbour.
    const lines = workerOutput()
      .split('\n')
      .filter((line) => line.includes('retention purge: merchant done'));
    expect(lines.filter((line) => line.includes(shop.merchantId)).map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ merchantId: shop.merchantId, orders: expected.orders - 1, exportDays: 2, exportFiles: 2 }),
    ]);
    expect(lines.filter((line) => line.includes(capped.merchantId)).map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ orders: 1 })]);
    expect(lines.some((line) => line.includes(neighbour.merchantId))).toBe(false);
    expect(workerOutput()).not.toContain('+33611110001');
  });

  it('takes a retention from P1D to P3Y and up to MAX_RETENTION, refuses anything else with its own code, and for its own merchant only', async () => {
    const shop = await stack.client.createMerchant({ name: 'Careful Shop' });
    const other = await stack.client.createMerchant({ name: 'Other Shop' });
    const patch = (body: unknown) => shop.request('PATCH', '/v1/merchant', body);

    for (const retention of ['P7D', 'PT24H', 'P4W', MAX_RETENTION]) {
      expect(await patch({ retention })).toMatchObject({ status: 200, body: { retention, effectiveRetention: retention } });
    }
    for (const retention of ['ninety days', 'P0D', '-P1D', '', 'P', 90, null]) {
      expect(await patch({ retention })).toMatchObject({ status: 400, body: { code: 'invalid_retention', details: { issues: [expect.objectContaining({ path: 'retention' })] } } });
    }
    for (const retention of ['PT23H', 'P4Y', 'P100000Y']) {
      expect(await patch({ retention })).toMatchObject({ status: 422, body: { code: 'retention_out_of_range', details: { issues: [{ path: 'retention', code: 'retention_out_of_range' }] } } });
    }
    expect(await patch({ retention: 'P31D' })).toMatchObject({
      status: 422,
      body: { code: 'retention_above_maximum', message: expect.stringContaining('MAX_RETENTION') },
    });
    expect(await patch({ retention: 'P2Y' })).toMatchObject({ status: 422, body: { code: 'retention_above_maximum' } });
    const twoWrong = await patch({ retention: 'forever', timezone: 'Mars/Olympus_Mons' });
    expect(twoWrong).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    expect(twoWrong.body.details.issues.map((issue: { code: string }) => issue.code).sort()).toEqual(['invalid_retention', 'invalid_timezone']);

    // Nothing refused was kept, and the other merchant's retention never moved.
    expect((await shop.request('GET', '/v1/merchant')).body).toMatchObject({ retention: MAX_RETENTION });
    expect((await other.request('GET', '/v1/merchant')).body).toMatchObject({ retention: 'P90D', effectiveRetention: MAX_RETENTION });
  });

  it('skips, with an error naming the constraint, a merchant whose old orders something Herald does not purge still points at, and goes on', async () => {
    const stuck = await stack.client.createMerchant({ name: 'Pointed At' });
    const next = await stack.client.createMerchant({ name: 'Not Pointed At' });
    for (const merchant of [stuck, next]) expect((await merchant.request('PATCH', '/v1/merchant', { retention: 'P1D' })).status).toBe(200);
    const pointedAt = await seed(stuck);
    const alsoOld = await seed(stuck);
    const free = await seed(next);
    const exportDirectory = await sentExport(stuck.merchantId, day(5));
    // A table of some later feature, or of the operator's own, that holds on to an order.
    await query(`CREATE TABLE IF NOT EXISTS order_notes (order_id uuid REFERENCES orders(id), note text)`);
    await query(`INSERT INTO order_notes VALUES ($1, 'keep')`, [pointedAt.orderId]);

    await purgeAgain();
    expect(await rowsLeft(pointedAt)).toEqual(all(pointedAt));
    expect(await rowsLeft(alsoOld)).toEqual(all(alsoOld));
    expect(await rowsLeft(free)).toEqual(none);
    expect(await exists(exportDirectory)).toBe(false);
    const errors = workerOutput()
      .split('\n')
      .filter((line) => line.includes('an order is still referenced'));
    expect(errors.map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ merchantId: stuck.merchantId, constraint: 'order_notes_order_id_fkey' })]);
    await query(`DROP TABLE order_notes`);
  });

  it('waits while an earlier day’s run is still going, and supersedes one whose worker died that no tick took over', async () => {
    await query(
      `INSERT INTO retention_runs (day, state, claim_id, claimed_by, lease_until) VALUES ($1, 'running', gen_random_uuid(), 'gone:1', now() + interval '1 hour')`,
      [day(1)],
    );
    await query(`DELETE FROM retention_runs WHERE day = $1`, [today()]);
    await sleep(3000); // three ticks on each worker
    expect(await query(`SELECT day FROM retention_runs WHERE day = $1`, [today()])).toEqual([]);

    await query(`UPDATE retention_runs SET lease_until = now() - interval '1 second' WHERE day = $1`, [day(1)]);
    expect(await runOf(today(), 30_000)).toMatchObject({ attempts: 1 });
    expect(await query(`SELECT state, finished_at IS NOT NULL AS finished FROM retention_runs WHERE day = $1`, [day(1)])).toEqual([{ state: 'superseded', finished: true }]);
  });

  it('a run whose every worker was killed mid-purge is taken over where it stopped: each order deleted and counted once', async () => {
    const shop = await stack.client.createMerchant({ name: 'Big Old Shop' });
    expect((await shop.request('PATCH', '/v1/merchant', { retention: 'P1D' })).status).toBe(200);
    const orders = 20_000;
    await seedFinishedOrders(query, { merchantId: shop.merchantId, orders, pickupDaysAgo: 3, eventsPerNotification: 2 });
    await query('ANALYZE orders, notifications, notification_events');

    await query(`DELETE FROM retention_runs WHERE day = $1`, [today()]);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [run] = await query<{ purged: { orders?: number } }>(`SELECT purged FROM retention_runs WHERE day = $1 AND state = 'running'`, [today()]);
      if ((run?.purged.orders ?? 0) > 0) break;
      if (Date.now() > deadline) throw new Error('the purge did not start');
      await sleep(20);
    }
    await Promise.all(stack.workers.map((worker) => worker.kill()));
    const [midway] = await query<{ orders: number }>(`SELECT count(*)::int AS orders FROM orders WHERE merchant_id = $1`, [shop.merchantId]);
    expect(midway.orders).toBeGreaterThan(0);
    expect(midway.orders).toBeLessThan(orders);

    stack.workers.splice(0);
    const survivor = await stack.addWorker();
    await survivor.waitForOutput('retention purge taken over', (LEASE_S + 10) * 1000);
    expect(await runOf(today(), 90_000)).toMatchObject({ attempts: 2 });
    // The merchant's counts went through the takeover with the run's position: each batch counted once, none lost.
    const line = survivor.output.split('\n').find((entry) => entry.includes('retention purge: merchant done') && entry.includes(shop.merchantId));
    expect(JSON.parse(line!)).toMatchObject({ orders, notifications: 2 * orders, events: 4 * orders, webhookDeliveries: 0 });
    const [left] = await query<{ orders: number }>(`SELECT count(*)::int AS orders FROM orders WHERE merchant_id = $1`, [shop.merchantId]);
    expect(left.orders).toBe(0);
  }, 240_000);
});
