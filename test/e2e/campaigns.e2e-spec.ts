import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { seedSmsCustomers } from '../support/customer-seed';
import { HeraldClient, makeOrder } from '../support/herald-client';
import { HeraldStack, startStack, TWILIO_FROM } from '../support/herald-stack';

jest.setTimeout(120_000);

/** The campaign SMS rate the stack runs with, a second. */
const RATE = 100;

type Merchant = HeraldClient & { merchantId: string };

describe('campaigns: one send per reachable customer on bulk, at the provider rate, cancellable', () => {
  let stack: HeraldStack;
  let merchant: Merchant;
  let other: Merchant;

  beforeAll(async () => {
    stack = await startStack({ env: { CAMPAIGN_RATE_SMS: String(RATE), CAMPAIGN_RATE_EMAIL: String(RATE) } });
    merchant = await stack.client.createMerchant({ name: 'Épicerie Centrale' });
    other = await stack.client.createMerchant({ name: 'Other Shop' });
  });
  afterAll(() => stack?.stop());

  const campaignCalls = (body: string) => stack.twilio.sent().filter((c) => c.body === body);

  /** The most sends the fake received within any one second. */
  function busiestSecond(times: number[]): number {
    const sorted = [...times].sort((a, b) => a - b);
    let most = 0;
    for (let first = 0, last = 0; first < sorted.length; first += 1) {
      while (last < sorted.length && sorted[last] < sorted[first] + 1000) last += 1;
      most = Math.max(most, last - first);
    }
    return most;
  }

  const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

  it('drains at no more than the SMS rate while confirmations keep their latency, and counts the skipped by reason', async () => {
    const body = 'Closed on Monday: see you Tuesday!';
    await seedSmsCustomers(stack.environment, merchant.merchantId, '10', 400);
    await stack.environment.query(
      `INSERT INTO customers (id, merchant_id, name, email, locale) SELECT gen_random_uuid(), $1, 'Mail ' || i, 'mail' || i || '@example.com', 'en' FROM generate_series(1, 20) AS i`,
      [merchant.merchantId],
    );
    // Ten who texted STOP, and one with neither phone nor email.
    const stopped = (await seedSmsCustomers(stack.environment, merchant.merchantId, '11', 10)).map((customer) => customer.id);
    await stack.environment.query(`INSERT INTO opt_outs (sender, phone, source) SELECT $1, phone, 'keyword' FROM customers WHERE id = ANY($2::uuid[])`, [TWILIO_FROM, stopped]);
    await stack.environment.query(`INSERT INTO customers (id, merchant_id, name, locale) VALUES (gen_random_uuid(), $1, 'Walk-in', 'en')`, [merchant.merchantId]);

    // Before sending: whom it would reach, by the rule the fan-out follows; another merchant's customers are not counted.
    expect((await merchant.request('GET', '/v1/campaigns/audience')).body).toEqual({ customers: 431, sms: 400, email: 20, whatsapp: 0, skipped: { opted_out: 10, no_contact: 1 } });
    expect((await other.request('GET', '/v1/campaigns/audience')).body).toEqual({ customers: 0, sms: 0, email: 0, whatsapp: 0, skipped: {} });

    const created = await merchant.request('POST', '/v1/campaigns', { name: 'Closed Monday', body, audience: { all: true } });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ name: 'Closed Monday', status: 'preparing', audience: { all: true, customerIds: null } });

    // Confirmations while the campaign drains: from the order's POST to Twilio receiving its SMS.
    const latencies: number[] = [];
    let orders = 0;
    await stack.twilio.waitForSent(20, 15_000).catch(() => undefined);
    while (campaignCalls(body).length < 380 && orders < 60) {
      const phone = `+33690${String(orders).padStart(6, '0')}`;
      orders += 1;
      const postedAt = Date.now();
      const order = await merchant.request('POST', '/v1/orders', makeOrder({ customer: { phone } }));
      expect(order.status).toBe(201);
      void (async () => {
        for (let i = 0; i < 200; i += 1) {
          const call = stack.twilio.sent().find((c) => c.to === phone);
          if (call) return latencies.push(call.at - postedAt);
          await sleep(10);
        }
      })();
      await sleep(100);
    }
    const done = await merchant.waitFor(`/v1/campaigns/${created.body.id}`, (c: any) => c.status === 'completed', 30_000);
    expect(done.counts.sent + done.counts.delivered).toBe(420);
    expect(done).toMatchObject({ recipients: 420, skipped: { opted_out: 10, no_contact: 1 }, fallbacks: 0 });
    expect(stack.sendgrid.sent().filter((m) => m.text === body)).toHaveLength(20);
    // What happened stays what happened: a completed campaign cannot be cancelled.
    expect((await merchant.request('POST', `/v1/campaigns/${created.body.id}/cancel`)).body).toMatchObject({ code: 'campaign_finished' });
    expect((await merchant.request('GET', `/v1/campaigns/${created.body.id}`)).body).toMatchObject({ status: 'completed', cancelledAt: null });

    const sms = campaignCalls(body).map((c) => c.at);
    expect(sms).toHaveLength(400);
    expect(new Set(campaignCalls(body).map((c) => c.to)).size).toBe(400);
    // BullMQ's limiter counts job starts in windows of a tenth of a second, so any one second sees the starts of at
    // most eleven windows; the time from start to the provider call varies (claims wait for their shared commit), which
    // can bring one more window's sends into a second as the provider sees it. Twice the rate would mean no limit.
    expect(busiestSecond(sms)).toBeLessThanOrEqual(RATE * 1.2);
    const drainSeconds = (Math.max(...sms) - Math.min(...sms)) / 1000;
    expect(399 / drainSeconds).toBeLessThanOrEqual(RATE * 1.05);

    await sleep(500);
    expect(latencies.length).toBeGreaterThanOrEqual(20);
    const [p50, p99] = [percentile(latencies, 50), percentile(latencies, 99)];
    process.stdout.write(`campaign drain ${(399 / drainSeconds).toFixed(1)}/s (limit ${RATE}/s); confirmations during it p50 ${p50} ms, p99 ${p99} ms over ${latencies.length}\n`);
    // Queued behind the campaign, a confirmation would wait for the campaign's SMS ahead of it: from about 4 s for the
    // first to nothing for the last, half of them 2 s or more at this rate. On their own slots they wait for none of
    // it, but a loaded machine stretches the slowest (p99 155 ms in one run at a load average near 20, 1.6 s in another
    // at 15): the median tells the two apart on any machine. The figures belong to `npm run bench -- --only campaign`.
    expect(p50).toBeLessThan(1000);
  });

  it('stops a campaign midway: the rest ends cancelled and nothing is sent after the cancel settles', async () => {
    const body = 'Flash sale, today only';
    await seedSmsCustomers(stack.environment, other.merchantId, '20', 500);
    const created = await other.request('POST', '/v1/campaigns', { name: 'Flash sale', body, audience: { all: true } });
    await stack.twilio.waitForSent(stack.twilio.sent().length + 100, 20_000);

    const cancelled = await other.request('POST', `/v1/campaigns/${created.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    await sleep(1000); // sends already held by the worker settle
    const settled = campaignCalls(body).length;
    await sleep(2500);
    expect(campaignCalls(body).length).toBe(settled);
    expect(settled).toBeLessThan(450);

    const after = (await other.request('GET', `/v1/campaigns/${created.body.id}`)).body;
    expect(after.counts.sent + after.counts.delivered).toBe(settled);
    expect(after.counts.sent + after.counts.cancelled).toBe(after.recipients);
    expect(after.counts.cancelled).toBeGreaterThan(0);
    expect(after.counts.queued + after.counts.scheduled + after.counts.sending).toBe(0);
    const again = await other.request('POST', `/v1/campaigns/${created.body.id}/cancel`);
    expect(again.body).toMatchObject({ status: 'cancelled', cancelledAt: cancelled.body.cancelledAt });
  });

  it('renders the merchant’s campaign template for each customer, in its language, with its name', async () => {
    const shop = await stack.client.createMerchant({ name: 'Boulangerie Lune' });
    for (const [locale, body] of [['en', 'Hi {{customerName}}, closed on Monday. {{shopName}}'], ['fr', 'Bonjour {{customerName}}, fermé lundi. {{shopName}}']]) {
      expect((await shop.request('PUT', `/v1/templates/campaign/${locale}`, { body })).status).toBe(201);
    }
    const [row] = await stack.environment.query<{ id: string }>(
      `INSERT INTO customers (id, merchant_id, name, phone, locale) VALUES (gen_random_uuid(), $1, 'Zoé', '+33650000001', 'fr') RETURNING id`,
      [shop.merchantId],
    );
    const created = await shop.request('POST', '/v1/campaigns', { name: 'Monday', template: 'campaign', audience: { customerIds: [row.id] } });
    expect(created.status).toBe(202);
    await shop.waitFor(`/v1/campaigns/${created.body.id}`, (c: any) => c.status === 'completed');
    const [call] = stack.twilio.sent().filter((c) => c.to === '+33650000001');
    expect(call.body).toBe('Bonjour Zoé, fermé lundi. Boulangerie Lune');
  });

  it('waits for the end of quiet hours', async () => {
    const local = (offsetMinutes: number) =>
      new Date(Date.now() + offsetMinutes * 60_000).toLocaleTimeString('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' });
    const shop = await stack.client.createMerchant({ name: 'Night Owl', timezone: 'Europe/Paris' });
    await shop.request('PATCH', '/v1/merchant', { quietHours: { start: local(-60), end: local(60) } });
    const [{ id: customer }] = await seedSmsCustomers(stack.environment, shop.merchantId, '30', 1);
    const created = await shop.request('POST', '/v1/campaigns', { name: 'Night', body: 'Too late for this', audience: { customerIds: [customer] } });
    expect(created.status).toBe(202);
    const scheduledFor = new Date(created.body.scheduledFor).getTime();
    expect(scheduledFor).toBeGreaterThan(Date.now() + 55 * 60_000);
    expect(scheduledFor).toBeLessThan(Date.now() + 61 * 60_000);
    const waiting = await shop.waitFor(`/v1/campaigns/${created.body.id}`, (c: any) => c.status === 'scheduled');
    expect(waiting.counts.scheduled).toBe(1);
    await shop.request('POST', `/v1/campaigns/${created.body.id}/cancel`);
  });

  it('cancels a campaign for later even when its fan-out commits while the cancel waits for it', async () => {
    const shop = await stack.client.createMerchant({ name: 'Late Fan-out' });
    const [{ id: customer }] = await seedSmsCustomers(stack.environment, shop.merchantId, '50', 1);
    const sendAt = new Date(Date.now() + 3600_000).toISOString();
    const created = await shop.request('POST', '/v1/campaigns', { name: 'Later', body: 'Open on Sunday', audience: { customerIds: [customer] }, sendAt });
    await shop.waitFor(`/v1/campaigns/${created.body.id}`, (c: any) => c.status === 'scheduled');
    // The moment a fan-out chunk commits: its transaction holds the campaign's lock, and its send is not visible yet.
    await stack.environment.query(`UPDATE notifications SET status = 'skipped' WHERE campaign_id = $1`, [created.body.id]);
    const fanOut = new Client({ connectionString: stack.environment.env.DATABASE_URL });
    await fanOut.connect();
    try {
      await fanOut.query('BEGIN');
      await fanOut.query('SELECT 1 FROM campaigns WHERE id = $1 FOR UPDATE', [created.body.id]);
      await fanOut.query(`UPDATE notifications SET status = 'scheduled' WHERE campaign_id = $1`, [created.body.id]);
      const cancelling = shop.request('POST', `/v1/campaigns/${created.body.id}/cancel`);
      // The cancel is waiting for the campaign's lock.
      for (let waiting = 0; waiting === 0; await sleep(20)) {
        [{ waiting }] = (await fanOut.query(`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))`)).rows;
      }
      await fanOut.query('COMMIT');
      const cancelled = await cancelling;
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', counts: { scheduled: 0, cancelled: 1 } });
    } finally {
      await fanOut.end();
    }
  });

  it('keeps campaigns apart between merchants, and refuses bad input with stable codes', async () => {
    const [{ id: theirCustomer }] = await seedSmsCustomers(stack.environment, other.merchantId, '40', 1);
    const [{ id: mine }] = await seedSmsCustomers(stack.environment, merchant.merchantId, '41', 1);
    const theirs = await other.request('POST', '/v1/campaigns', { name: 'Theirs', body: 'Hello', audience: { customerIds: [theirCustomer] } });
    expect(theirs.status).toBe(202);

    expect((await merchant.request('GET', `/v1/campaigns/${theirs.body.id}`)).body).toMatchObject({ statusCode: 404, code: 'campaign_not_found' });
    expect((await merchant.request('POST', `/v1/campaigns/${theirs.body.id}/cancel`)).body).toMatchObject({ statusCode: 404, code: 'campaign_not_found' });
    expect((await merchant.request('GET', '/v1/campaigns?limit=200')).body.data.map((c: any) => c.id)).not.toContain(theirs.body.id);
    expect((await other.request('GET', `/v1/campaigns/${theirs.body.id}`)).body.status).not.toBe('cancelled');

    const refusal = (body: Record<string, unknown>) => merchant.request('POST', '/v1/campaigns', { name: 'Bad', ...body }).then((r) => [r.status, r.body.code]);
    expect(await refusal({ body: 'Hi', audience: { customerIds: [theirCustomer] } })).toEqual([400, 'unknown_customer']);
    expect(await refusal({ body: 'Hi', audience: { customerIds: [mine, '00000000-0000-4000-8000-000000000000'] } })).toEqual([400, 'unknown_customer']);
    expect(await refusal({ body: 'Hi', audience: {} })).toEqual([400, 'empty_audience']);
    expect(await refusal({ body: 'Hi', audience: { customerIds: [] } })).toEqual([400, 'empty_audience']);
    expect(await refusal({ body: 'Hi', template: 'campaign', audience: { all: true } })).toEqual([400, 'campaign_body_or_template']);
    expect(await refusal({ audience: { all: true } })).toEqual([400, 'campaign_body_or_template']);
    expect(await refusal({ body: 'Hi', audience: { all: true }, sendAt: new Date(Date.now() + 400 * 86_400_000).toISOString() })).toEqual([422, 'schedule_too_far_ahead']);
    expect(await refusal({ template: 'campaign', audience: { all: true } })).toEqual([422, 'template_not_found']);
    expect(await refusal({ body: 'Hi', audience: { all: true }, channel: 'sms' })).toEqual([400, 'validation_failed']);
    // Nothing was created by a refusal.
    expect(await stack.environment.query(`SELECT count(*)::int AS n FROM campaigns WHERE name = 'Bad'`)).toEqual([{ n: 0 }]);
  });
});
