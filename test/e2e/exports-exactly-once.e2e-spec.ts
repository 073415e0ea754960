import { Queue } from 'bullmq';
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { dataSourceOptions, ExportLedgerRepository } from '../../libs/persistence/src';
import { BULK_QUEUE, EXPORT_RUN_JOB } from '../../libs/queues/src/queue-names';
import { SendGridCall } from '../fakes/sendgrid.fake';
import { EXPORT_HEADER, expectedRow, insertOrder, makeSeededOrder, SeededOrder, zoneAtNoon } from '../support/export-seed';
import { HeraldStack, startStack } from '../support/herald-stack';

jest.setTimeout(120_000);

// Short, so a dead worker's day is taken over within seconds, yet long enough that a busy machine rarely makes a live
// worker lose its claim (which would still send once, only later).
const LEASE_MS = 4000;
const PROVIDER_TIMEOUT_MS = 5000;
const TICK_MS = 1000;

describe('the daily export goes exactly once, whatever the workers do', () => {
  let stack: HeraldStack;
  const zone = zoneAtNoon();
  const today = DateTime.now().setZone(zone).startOf('day');
  const day = (back: number, z = zone) => DateTime.now().setZone(z).startOf('day').minus({ days: back }).toISODate()!;
  const at = (d: string, time: string, z = zone) => DateTime.fromISO(`${d}T${time}`, { zone: z }).toJSDate();
  /** When a day's export falls due with `localTime` 00:00: the first instant of the next day. */
  const dueAt = (d: string, z = zone) => DateTime.fromISO(d, { zone: z }).plus({ days: 1 }).toJSDate();

  beforeAll(async () => {
    stack = await startStack({
      workers: 3,
      env: {
        EXPORT_TICK_EVERY: `PT${TICK_MS / 1000}S`,
        EXPORT_LEASE: `PT${LEASE_MS / 1000}S`,
        PROVIDER_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS),
        // Long enough to reach back to the last daylight-saving days; switching exports on bounds it for the others.
        EXPORT_CATCH_UP_DAYS: '400',
        JOB_ATTEMPTS: '5',
      },
    });
  });
  afterAll(() => stack?.stop());

  /** A merchant whose exports (local time 00:00) were switched on at `enabledAt`: days due since then are owed. */
  async function merchantWithExports(name: string, recipient: string, enabledAt: Date, timezone = zone) {
    const merchant = await stack.client.createMerchant({ name, timezone });
    return {
      merchant,
      async enable() {
        expect((await merchant.request('PUT', '/v1/exports/settings', { enabled: true, recipients: [recipient], localTime: '00:00' })).status).toBe(200);
        await stack.environment.query(`UPDATE export_settings SET enabled_at = $2 WHERE merchant_id = $1`, [merchant.merchantId, enabledAt]);
      },
    };
  }
  const callsTo = (recipient: string) => stack.sendgrid.calls.filter((call) => call.to.includes(recipient));
  async function mailsTo(recipient: string, count: number, timeoutMs = 20_000): Promise<SendGridCall[]> {
    const deadline = Date.now() + timeoutMs;
    while (callsTo(recipient).filter((c) => c.status === 202).length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} mails to ${recipient}, got ${JSON.stringify(callsTo(recipient).map((c) => c.status))}`);
      await sleep(50);
    }
    return callsTo(recipient).filter((c) => c.status === 202);
  }
  const rowsOf = (mail: SendGridCall) => parse(mail.attachments![0].content, { bom: true }) as string[][];
  const seed = async (merchantId: string, orders: SeededOrder[]) => {
    for (const order of orders) await insertOrder(stack.environment, merchantId, order);
  };
  /** The ledger says these days were already sent (Herald was up then). */
  const alreadySent = (merchantId: string, from: string, to: string, except: string[] = []) =>
    stack.environment.query(
      `INSERT INTO export_ledger (id, merchant_id, day, kind, state, recipients, attempts, sent_at)
       SELECT gen_random_uuid(), $1, d::date, 'daily', 'sent', '{earlier@shop.test}', 1, now()
       FROM generate_series($2::date, $3::date, interval '1 day') AS d WHERE NOT d::date = ANY($4::date[])`,
      [merchantId, from, to, except],
    );
  const ledger = (merchantId: string) =>
    stack.environment.query<{ day: string; kind: string; state: string; message_id: string; claimed_by: string; possible_duplicate: boolean }>(
      `SELECT day::text, kind, state, message_id, claimed_by, possible_duplicate FROM export_ledger
       WHERE merchant_id = $1 AND recipients <> '{earlier@shop.test}' ORDER BY day, created_at`,
      [merchantId],
    );
  /** The ledger once no day is still claimed or sending: the mail reaches SendGrid just before its `sent` is written. */
  async function settledLedger(merchantId: string, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const entries = await ledger(merchantId);
      if (!entries.some((entry) => entry.state === 'claimed' || entry.state === 'sending') || Date.now() > deadline) return entries;
      await sleep(50);
    }
  }

  it('sends one mail for the day while three workers race for it', async () => {
    const { merchant, enable } = await merchantWithExports('Three Ovens', 'three@shop.test', new Date(dueAt(day(2)).getTime() + 60_000));
    const orders = [makeSeededOrder(at(day(1), '08:00:00')), makeSeededOrder(at(day(1), '12:30:00')), makeSeededOrder(at(day(1), '20:45:10'))];
    await seed(merchant.merchantId, [...orders, makeSeededOrder(at(day(2), '22:00:00')), makeSeededOrder(at(day(0), '00:30:00'))]);
    await enable();
    // Beyond the tick's own run: a burst of runs for this merchant, spread over every worker's bulk slots at once.
    const bulk = new Queue(BULK_QUEUE, { connection: { url: stack.environment.env.REDIS_URL }, prefix: stack.environment.env.QUEUE_PREFIX });
    await bulk.addBulk(Array.from({ length: 15 }, (_, i) => ({ name: EXPORT_RUN_JOB, data: { merchantId: merchant.merchantId }, opts: { jobId: `race-${i}`, removeOnComplete: true } })));
    await bulk.close();

    const [mail] = await mailsTo('three@shop.test', 1);
    await sleep(3 * TICK_MS + 500); // a second mail would have come by now
    expect(callsTo('three@shop.test')).toHaveLength(1);
    expect(mail.subject).toContain(day(1));
    expect(mail.attachments).toHaveLength(1);
    const [header, ...rows] = rowsOf(mail);
    expect(header).toEqual(EXPORT_HEADER);
    expect(rows).toEqual(orders.map((order) => expectedRow(order, zone)));
    expect(await ledger(merchant.merchantId)).toEqual([
      expect.objectContaining({ day: day(1), kind: 'daily', state: 'sent', message_id: mail.messageId, possible_duplicate: false }),
    ]);
  });

  it('after three days down, sends the three days oldest first, one mail each, and nothing more', async () => {
    const { merchant, enable } = await merchantWithExports('Down Three Days', 'down@shop.test', new Date(dueAt(day(8)).getTime() + 60_000));
    await alreadySent(merchant.merchantId, day(7), day(4));
    const byDay = new Map([
      [day(3), [makeSeededOrder(at(day(3), '09:00:00')), makeSeededOrder(at(day(3), '17:00:00'))]],
      [day(2), [makeSeededOrder(at(day(2), '10:00:00'))]],
      [day(1), [makeSeededOrder(at(day(1), '00:00:00')), makeSeededOrder(at(day(1), '23:59:59'))]],
    ]);
    await seed(merchant.merchantId, [...byDay.values()].flat());
    await enable();

    const mails = await mailsTo('down@shop.test', 3);
    await sleep(3 * TICK_MS + 500);
    expect(callsTo('down@shop.test')).toHaveLength(3);
    const inOrder = [...mails].sort((a, b) => a.at - b.at);
    expect(inOrder.map((mail) => mail.subject)).toEqual([day(3), day(2), day(1)].map((d) => `Orders of ${d}: Down Three Days`));
    for (const mail of inOrder) {
      const labelled = /Orders of (\S+):/.exec(mail.subject!)![1];
      expect(mail.attachments![0].filename).toBe(`orders-${labelled}.csv`);
      expect(rowsOf(mail).slice(1)).toEqual(byDay.get(labelled)!.map((order) => expectedRow(order, zone)));
    }
    expect((await ledger(merchant.merchantId)).map((e) => [e.day, e.state])).toEqual([day(3), day(2), day(1)].map((d) => [d, 'sent']));
  });

  it('exports the Paris spring-forward and fall-back days once each, with exactly that local day’s orders', async () => {
    const paris = 'Europe/Paris';
    const lastSunday = (month: number) => {
      for (let year = today.year; ; year -= 1) {
        const lastDay = DateTime.fromObject({ year, month }, { zone: paris }).endOf('month').startOf('day');
        const last = lastDay.minus({ days: lastDay.weekday % 7 }).toISODate()!;
        if (last < day(0, paris)) return last;
      }
    };
    const spring = lastSunday(3);
    const autumn = lastSunday(10);
    const [older, newer] = [spring, autumn].sort();
    const utc = (iso: string) => new Date(iso);
    const next = (d: string) => DateTime.fromISO(d).plus({ days: 1 }).toISODate()!;
    const previous = (d: string) => DateTime.fromISO(d).minus({ days: 1 }).toISODate()!;
    // Spring: the day is 23 h long, 00:00+01:00 to 24:00+02:00. Autumn: 25 h, 00:00+02:00 to 24:00+01:00, with 02:30 twice.
    const inside = new Map([
      [spring, [`${previous(spring)}T23:00:00Z`, `${previous(spring)}T23:30:00Z`, `${spring}T01:30:00Z`, `${spring}T21:59:59Z`]],
      [autumn, [`${previous(autumn)}T22:00:00Z`, `${autumn}T00:30:00Z`, `${autumn}T01:30:00Z`, `${autumn}T22:59:59Z`]],
    ]);
    const outside = [`${previous(spring)}T22:59:59Z`, `${spring}T22:00:00Z`, `${previous(autumn)}T21:59:59Z`, `${autumn}T23:00:00Z`];
    const orders = new Map([...inside].map(([d, instants]) => [d, instants.map((instant) => makeSeededOrder(utc(instant)))]));
    const { merchant, enable } = await merchantWithExports('Boulangerie Lune', 'dst@shop.test', new Date(dueAt(previous(older), paris).getTime() + 60_000), paris);
    await alreadySent(merchant.merchantId, next(older), day(0, paris), [newer]);
    await seed(merchant.merchantId, [...[...orders.values()].flat(), ...outside.map((instant) => makeSeededOrder(utc(instant)))]);
    await enable();

    const mails = (await mailsTo('dst@shop.test', 2)).sort((a, b) => a.at - b.at);
    await sleep(2 * TICK_MS + 500);
    expect(callsTo('dst@shop.test')).toHaveLength(2);
    expect(mails.map((mail) => mail.attachments![0].filename)).toEqual([`orders-${older}.csv`, `orders-${newer}.csv`]);
    for (const [index, d] of [older, newer].entries()) {
      expect(mails[index].text).toContain('(Europe/Paris time)');
      expect(rowsOf(mails[index]).slice(1)).toEqual(orders.get(d)!.map((order) => expectedRow(order, paris)));
    }
    expect(rowsOf(mails[[older, newer].indexOf(autumn)]).slice(1).map((row) => row[1])).toEqual([
      `${autumn}T00:00:00+02:00`,
      `${autumn}T02:30:00+02:00`,
      `${autumn}T02:30:00+01:00`,
      `${autumn}T23:59:59+01:00`,
    ]);
  });

  it('retries a transient SendGrid failure, and fails a permanent one for good with one Slack alert', async () => {
    const retried = await merchantWithExports('Flaky Day', 'flaky@shop.test', new Date(dueAt(day(2)).getTime() + 60_000));
    await seed(retried.merchant.merchantId, [makeSeededOrder(at(day(1), '11:00:00'))]);
    stack.sendgrid.failNext(2, { status: 503, message: 'Service Unavailable' });
    await retried.enable();
    await mailsTo('flaky@shop.test', 1);
    expect(callsTo('flaky@shop.test').map((call) => call.status)).toEqual([503, 503, 202]);
    expect(await settledLedger(retried.merchant.merchantId)).toEqual([expect.objectContaining({ day: day(1), state: 'sent' })]);

    const alertsBefore = stack.slack.messages.length;
    const refused = await merchantWithExports('Refused Shop', 'refused.backoffice@shop.test', new Date(dueAt(day(2)).getTime() + 60_000));
    stack.sendgrid.failNext(1, { status: 403, message: 'The from address does not match a verified Sender Identity.' });
    await refused.enable();
    const [alert] = await stack.slack.waitForMessages(alertsBefore + 1).then((all) => all.slice(alertsBefore));
    expect(alert.text).toContain(`Daily export failed: orders of ${day(1)} for Refused Shop`);
    expect(alert.raw).toContain('http_403');
    expect(alert.raw).not.toContain('refused.backoffice@shop.test');
    await sleep(2 * TICK_MS + 500);
    expect(callsTo('refused.backoffice@shop.test').map((call) => call.status)).toEqual([403]);
    expect(stack.slack.messages.length).toBe(alertsBefore + 1);
    const listed = await refused.merchant.request('GET', '/v1/exports?limit=2');
    expect(listed.body.data[1]).toMatchObject({ day: day(1), state: 'failed', entries: [{ kind: 'daily', state: 'failed', error: { code: 'http_403' } }] });
  });

  it('lets exactly one of many concurrent claims win, and a lapsed one be taken over once', async () => {
    const LEASE_MS = 3000;
    const merchant = await stack.client.createMerchant({ name: 'Claims Only' });
    const db = new DataSource(dataSourceOptions(stack.environment.env.DATABASE_URL, 12));
    await db.initialize();
    try {
      const repository = new ExportLedgerRepository(db);
      const claim = (i: number, leaseMs: number) => repository.claimDaily(merchant.merchantId, '2026-01-15', ['x@shop.test'], { claimId: randomUUID(), worker: `racer-${i}`, leaseMs });
      // A lease of 3 s: long enough that the twelve claims all meet it on a loaded machine (at 300 ms, one run saw the
      // lease lapse while the racers were still arriving, and a second claim rightly take it over).
      const first = (await Promise.all(Array.from({ length: 12 }, (_, i) => claim(i, LEASE_MS)))).filter((c) => c !== null);
      expect(first).toHaveLength(1);
      const [holder] = first;
      expect(await repository.markSending(holder.id, holder.claimId!, LEASE_MS, { orderCount: 0, fileName: 'orders-2026-01-15.csv', fileBytes: 10 })).toBe(true);
      expect((await Promise.all(Array.from({ length: 12 }, (_, i) => claim(i, 60_000)))).filter((c) => c !== null)).toEqual([]);

      await sleep(LEASE_MS + 200); // the holder's lease lapses: it died mid-send
      const retakes = (await Promise.all(Array.from({ length: 12 }, (_, i) => claim(i, 60_000)))).filter((c) => c !== null);
      expect(retakes).toHaveLength(1);
      expect(retakes[0]).toMatchObject({ id: holder.id, attempts: 2, possibleDuplicate: true, state: 'claimed' });
      // The dead worker's claim can no longer write anything.
      expect(await repository.markSent(holder.id, holder.claimId!, { provider: 'sendgrid', messageId: 'late' })).toBe(false);
    } finally {
      await db.destroy();
    }
  });

  it('sends the day once, after the lease, when the worker that claimed it dies during the SendGrid call', async () => {
    const { merchant, enable } = await merchantWithExports('Crash Bakery', 'crash@shop.test', new Date(dueAt(day(2)).getTime() + 60_000));
    const orders = [makeSeededOrder(at(day(1), '07:30:00')), makeSeededOrder(at(day(1), '16:10:00'))];
    await seed(merchant.merchantId, orders);
    stack.sendgrid.hangNext(1);
    await enable();

    const deadline = Date.now() + 20_000;
    while (!callsTo('crash@shop.test').length) {
      if (Date.now() > deadline) throw new Error('the export never reached SendGrid');
      await sleep(25);
    }
    const [hung] = callsTo('crash@shop.test');
    const [held] = await ledger(merchant.merchantId);
    expect(held).toMatchObject({ day: day(1), state: 'sending' });
    const victim = stack.workers.find((worker) => `${worker.child.pid}` === held.claimed_by.split(':').pop())!;
    await victim.kill();

    const [mail] = await mailsTo('crash@shop.test', 1, 30_000);
    await sleep(3 * TICK_MS + 500);
    expect(callsTo('crash@shop.test').map((call) => call.status)).toEqual([0, 202]);
    // Not before the lease of the `sending` claim (lease + provider timeout) ran out.
    expect(mail.at - hung.at).toBeGreaterThanOrEqual(LEASE_MS + PROVIDER_TIMEOUT_MS - 100);
    expect(rowsOf(mail).slice(1)).toEqual(orders.map((order) => expectedRow(order, zone)));
    const [sent] = await ledger(merchant.merchantId);
    expect(sent).toMatchObject({ state: 'sent', message_id: mail.messageId, possible_duplicate: true });
    expect(sent.claimed_by).not.toBe(held.claimed_by);
  });
});
