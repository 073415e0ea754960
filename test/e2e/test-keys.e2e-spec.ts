import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { eventSchema } from '../../apps/api/src/dto/event.dto';
import { FakeMerchantEndpoint } from '../fakes/merchant-endpoint.fake';
import { DatabaseBeforeMigration } from '../support/database-before-migration';
import { EventStreamClient } from '../support/event-stream-client';
import { zoneAtNoon } from '../support/export-seed';
import { HeraldClient, makeOrder } from '../support/herald-client';
import { HeraldStack, startStack, TWILIO_FROM } from '../support/herald-stack';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

/**
 * Test keys (scope `test`): everything a full key does, through the real queues, worker, statuses, events and webhooks,
 * but no provider ever sees a test send, and test data lives in a world of its own that live keys, campaigns, exports
 * and metrics of live sends never count.
 */
describe('test keys', () => {
  let stack: HeraldStack;
  let endpoint: FakeMerchantEndpoint;

  beforeAll(async () => {
    endpoint = await FakeMerchantEndpoint.start();
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
    await endpoint?.close();
  });

  /** A merchant (its full key) and a test key of it. */
  async function shopWithTestKey(overrides: Record<string, unknown> = {}) {
    const live = await stack.client.createMerchant(overrides);
    const created = await live.request('POST', '/v1/api-keys', { name: 'CI', scope: 'test' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'CI', scope: 'test', apiKey: expect.stringMatching(/^hk_/) });
    return { live, test: live.withKey(created.body.apiKey), testKeyId: created.body.id as string };
  }

  const statusesOf = (notification: { events: { status: string }[] }) => notification.events.map((e) => e.status);
  const workerScrape = async () => (await fetch(`${stack.workers[0].metricsUrl}/metrics`)).text();
  const counter = (scrape: string, series: string) => Number(new RegExp(`^${series.replace(/[{}()[\]|.+*?^$\\]/g, '\\$&')} (\\S+)$`, 'm').exec(scrape)?.[1] ?? 0);

  it('runs a test order through the queues, worker, statuses, events and webhooks, and no provider sees it, while a full key’s order reaches Twilio and SendGrid', async () => {
    const { live, test } = await shopWithTestKey();
    expect((await live.request('PUT', '/v1/webhook-endpoint', { url: endpoint.url })).status).toBe(200);
    const liveStream = await EventStreamClient.connect(`${stack.apiUrl}/v1/events/stream`, { authorization: `Bearer ${live.apiKey}` });
    const token = await test.request('POST', '/v1/events/stream-tokens');
    expect(token.status).toBe(201);
    const testStream = await EventStreamClient.connect(`${stack.apiUrl}/v1/events/stream?token=${token.body.token}`);
    const before = await workerScrape();
    const [twilioBefore, sendgridBefore] = [stack.twilio.calls.length, stack.sendgrid.calls.length];

    const testOrder = await test.request('POST', '/v1/orders', makeOrder({ customer: { name: 'Ada', phone: '+33611110001', email: 'ada.test@example.com' }, channels: ['sms', 'email'] }));
    expect(testOrder.status).toBe(201);
    expect(testOrder.body.test).toBe(true);
    expect(testOrder.body.notifications.map((n: any) => [n.kind, n.channel, n.test]).sort()).toEqual([
      ['confirmation', 'email', true],
      ['confirmation', 'sms', true],
      ['reminder', 'email', true],
      ['reminder', 'sms', true],
    ]);
    const liveOrder = await live.request('POST', '/v1/orders', makeOrder({ customer: { name: 'Ada', phone: '+33611110002', email: 'ada.live@example.com' }, channels: ['sms', 'email'] }));
    expect([liveOrder.status, liveOrder.body.test]).toEqual([201, false]);

    // The test confirmations go the whole way: queued → sending → sent → delivered, by the log driver.
    const done = await test.waitFor(`/v1/orders/${testOrder.body.id}`, (order: any) =>
      order.notifications.filter((n: any) => n.kind === 'confirmation').every((n: any) => n.status === 'delivered'),
    );
    for (const confirmation of done.notifications.filter((n: any) => n.kind === 'confirmation')) {
      expect(confirmation).toMatchObject({ test: true, provider: 'log', providerMessageId: expect.stringMatching(/^log-/), attempts: 1 });
      expect(statusesOf(confirmation)).toEqual(['queued', 'sending', 'sent', 'delivered']);
      expect(confirmation.body).toContain(testOrder.body.reference);
    }
    expect(done.notifications.filter((n: any) => n.kind === 'reminder').map((n: any) => n.status)).toEqual(['scheduled', 'scheduled']);

    // The live order's confirmations reach the providers; the test order's never do.
    await stack.twilio.waitForSent(twilioBefore + 1);
    await stack.sendgrid.waitForSent(sendgridBefore + 1);
    const liveDone = await live.waitFor(`/v1/orders/${liveOrder.body.id}`, (order: any) =>
      order.notifications.filter((n: any) => n.kind === 'confirmation').every((n: any) => n.status === 'sent'),
    );
    expect(liveDone.notifications.filter((n: any) => n.kind === 'confirmation').map((n: any) => [n.channel, n.provider, n.test]).sort()).toEqual([
      ['email', 'sendgrid', false],
      ['sms', 'twilio', false],
    ]);
    await sleep(500);
    expect(stack.twilio.calls.slice(twilioBefore).map((call) => call.to)).toEqual(['+33611110002']);
    expect(stack.sendgrid.calls.slice(sendgridBefore).map((call) => call.to)).toEqual([['ada.live@example.com']]);

    // Events: a test key's feed and stream carry its test events only, a live key's never; each says which.
    const testIds = testOrder.body.notifications.map((n: any) => n.id);
    const liveIds = liveOrder.body.notifications.map((n: any) => n.id);
    const testFeed = (await test.request('GET', '/v1/events?limit=500')).body.data;
    const liveFeed = (await live.request('GET', '/v1/events?limit=500')).body.data;
    expect(testFeed.length).toBeGreaterThan(0);
    expect(testFeed.every((e: any) => e.test === true && testIds.includes(e.notificationId))).toBe(true);
    expect(liveFeed.every((e: any) => e.test === false && liveIds.includes(e.notificationId))).toBe(true);
    for (const event of [...testFeed, ...liveFeed]) expect(eventSchema.safeParse(event).error).toBeUndefined();
    expect(testFeed.filter((e: any) => e.status === 'delivered').map((e: any) => e.provider)).toEqual(['log', 'log']);
    await testStream.waitFor((s) => s.events.filter((e) => e.type === 'notification.delivered').length === 2, 'both test confirmations delivered');
    await liveStream.waitFor((s) => s.events.filter((e) => e.type === 'notification.sent').length === 2, 'both live confirmations sent');
    expect(testStream.events.every((e) => e.data.test === true && testIds.includes(e.data.notificationId))).toBe(true);
    expect(liveStream.events.every((e) => e.data.test === false && liveIds.includes(e.data.notificationId))).toBe(true);
    testStream.close();
    liveStream.close();

    // Webhooks: the merchant's one endpoint gets both worlds' events, each saying which.
    const webhookOf = (id: string, type: string) => (r: any) => r.body?.data?.notificationId === id && r.body.type === type;
    const smsConfirmationOf = (order: { body: any }) => order.body.notifications.find((n: any) => n.kind === 'confirmation' && n.channel === 'sms').id;
    const [testWebhook] = await endpoint.waitForRequests(1, webhookOf(smsConfirmationOf(testOrder), 'notification.delivered'));
    const [liveWebhook] = await endpoint.waitForRequests(1, webhookOf(smsConfirmationOf(liveOrder), 'notification.sent'));
    expect(testWebhook.body.data).toMatchObject({ test: true, provider: 'log', status: 'delivered' });
    expect(liveWebhook.body.data).toMatchObject({ test: false, provider: 'twilio', status: 'sent' });
    const deliveries = await live.waitFor('/v1/webhook-endpoint/deliveries?limit=100', (page: any) => page.data.some((d: any) => d.test) && page.data.some((d: any) => !d.test));
    expect(deliveries.data.filter((d: any) => d.test).every((d: any) => testIds.includes(d.notificationId))).toBe(true);

    // Metrics: test sends are counted apart, never among the provider outcomes of live sends.
    const after = await workerScrape();
    expect(counter(after, 'herald_test_sends_total{channel="sms"}') - counter(before, 'herald_test_sends_total{channel="sms"}')).toBe(1);
    expect(counter(after, 'herald_test_sends_total{channel="email"}') - counter(before, 'herald_test_sends_total{channel="email"}')).toBe(1);
    expect(after).not.toMatch(/herald_provider_outcomes_total\{provider="log"/);
    const accepted = (scrape: string, provider: string) => counter(scrape, `herald_provider_outcomes_total{provider="${provider}",outcome="accepted",code=""}`);
    expect(accepted(after, 'twilio') - accepted(before, 'twilio')).toBe(1);
    expect(accepted(after, 'sendgrid') - accepted(before, 'sendgrid')).toBe(1);
  });

  it('keeps the worlds apart: a test key sees only what test keys made, a live key none of it; references, contacts and idempotency keys are per world', async () => {
    const { live, test } = await shopWithTestKey();
    const reference = `W-${Date.now()}`;
    const liveOrder = await live.request('POST', '/v1/orders', makeOrder({ reference, customer: { name: 'Live Ada', phone: '+33611120001' } }), { 'Idempotency-Key': reference });
    // The same reference, contacts and Idempotency-Key in the test world: a new order and a new customer, not a replay.
    const testOrder = await test.request('POST', '/v1/orders', makeOrder({ reference, customer: { name: 'Test Ada', phone: '+33611120001' } }), { 'Idempotency-Key': reference });
    expect([liveOrder.status, testOrder.status]).toEqual([201, 201]);
    expect(testOrder.headers.get('idempotent-replayed')).toBeNull();
    expect(testOrder.body.id).not.toBe(liveOrder.body.id);
    expect(testOrder.body.customer.id).not.toBe(liveOrder.body.customer.id);
    expect(testOrder.body.customer.name).toBe('Test Ada');
    expect((await live.request('GET', `/v1/customers/${liveOrder.body.customer.id}`)).body).toMatchObject({ name: 'Live Ada', test: false });
    const again = await test.request('POST', '/v1/orders', makeOrder({ reference, customer: { phone: '+33611120099' } }));
    expect([again.status, again.body.code]).toEqual([409, 'order_reference_taken']);

    // Each key reads its own world, and answers 404 for the other's, as for another merchant's.
    const lists = async (client: HeraldClient) =>
      Object.fromEntries(
        await Promise.all(
          ['/v1/orders', '/v1/customers', '/v1/notifications'].map(async (path) => [path, (await client.request('GET', path)).body.data.map((r: any) => [r.id, r.test])]),
        ),
      );
    const testLists = await lists(test);
    expect(testLists['/v1/orders']).toEqual([[testOrder.body.id, true]]);
    expect(testLists['/v1/customers']).toEqual([[testOrder.body.customer.id, true]]);
    expect(testLists['/v1/notifications'].map(([id]: string[]) => id).sort()).toEqual(testOrder.body.notifications.map((n: any) => n.id).sort());
    const liveLists = await lists(live);
    expect(liveLists['/v1/orders']).toEqual([[liveOrder.body.id, false]]);
    expect(liveLists['/v1/customers']).toEqual([[liveOrder.body.customer.id, false]]);
    expect(liveLists['/v1/notifications'].every(([, isTest]: [string, boolean]) => isTest === false)).toBe(true);
    expect((await test.request('GET', `/v1/orders?reference=${reference}`)).body.data.map((o: any) => o.id)).toEqual([testOrder.body.id]);

    const crossings: [HeraldClient, { body: any }, string][] = [
      [test, liveOrder, 'live'],
      [live, testOrder, 'test'],
    ];
    for (const [client, order, world] of crossings) {
      const reminder = order.body.notifications.find((n: any) => n.kind === 'reminder').id;
      for (const [method, path, body, code] of [
        ['GET', `/v1/orders/${order.body.id}`, undefined, 'order_not_found'],
        ['PATCH', `/v1/orders/${order.body.id}`, { reminderBefore: 'PT30M' }, 'order_not_found'],
        ['POST', `/v1/orders/${order.body.id}/cancel`, undefined, 'order_not_found'],
        ['GET', `/v1/notifications/${reminder}`, undefined, 'notification_not_found'],
        ['POST', `/v1/notifications/${reminder}/cancel`, undefined, 'notification_not_found'],
        ['GET', `/v1/customers/${order.body.customer.id}`, undefined, 'customer_not_found'],
        ['PATCH', `/v1/customers/${order.body.customer.id}`, { consent: { sms: false } }, 'customer_not_found'],
      ] as const) {
        const answer = await client.request(method, path, body);
        expect([world, method, path, answer.status, answer.body.code]).toEqual([world, method, path, 404, code]);
      }
      const named = await client.request('POST', '/v1/orders', makeOrder({ customer: undefined, customerId: order.body.customer.id }));
      expect([world, named.status, named.body.code]).toEqual([world, 400, 'unknown_customer']);
    }
    expect((await live.request('GET', `/v1/orders/${liveOrder.body.id}`)).body).toMatchObject({ status: 'active', reminderBefore: 'PT1H' });
    expect((await test.request('GET', `/v1/customers/${testOrder.body.customer.id}`)).body.consent).toEqual({ sms: true, email: true, whatsapp: true });

    // Contacts are unique within a world: the live phone is free for a new test customer only once.
    const testCustomer = await test.request('POST', '/v1/customers', { name: 'Zoé', phone: '+33611120002' });
    const liveCustomer = await live.request('POST', '/v1/customers', { name: 'Zoé', phone: '+33611120002' });
    expect([testCustomer.status, testCustomer.body.test, liveCustomer.status, liveCustomer.body.test]).toEqual([201, true, 201, false]);
    const taken = await test.request('POST', '/v1/customers', { name: 'Zoé bis', phone: '+33611120002' });
    expect([taken.status, taken.body.code]).toEqual([409, 'customer_contact_taken']);
    const moved = await test.request('PATCH', `/v1/customers/${testCustomer.body.id}`, { phone: '+33611120001' });
    expect([moved.status, moved.body.code]).toEqual([409, 'customer_contact_taken']);
  });

  it('refuses a test key the routes about live settings or data with 403 insufficient_scope, changes nothing, and documents it', async () => {
    const { live, test, testKeyId } = await shopWithTestKey({ name: 'Fromagerie Test' });
    const yesterday = DateTime.now().minus({ days: 1 }).toISODate();
    const refused: [string, string, unknown?][] = [
      ['PATCH', '/v1/merchant', { name: 'Renamed' }],
      ['PUT', '/v1/templates/confirmation/en', { body: 'Hello {{customerName}}' }],
      ['DELETE', '/v1/templates/confirmation/en'],
      ['PUT', '/v1/webhook-endpoint', { url: endpoint.url }],
      ['DELETE', '/v1/webhook-endpoint'],
      ['GET', '/v1/exports/settings'],
      ['PUT', '/v1/exports/settings', { enabled: true, recipients: ['office@example.com'], localTime: '07:00' }],
      ['GET', '/v1/exports'],
      ['GET', `/v1/exports/${yesterday}.csv`],
      ['POST', `/v1/exports/${yesterday}/resend`],
      ['POST', '/v1/api-keys', { name: 'Escalate', scope: 'full' }],
      ['DELETE', `/v1/api-keys/${testKeyId}`],
    ];
    for (const [method, path, body] of refused) {
      const answer = await test.request(method, path, body);
      expect([method, path, answer.status, answer.body.code]).toEqual([method, path, 403, 'insufficient_scope']);
    }
    for (const [method, path, body] of [
      ['GET', '/v1/merchant'],
      ['GET', '/v1/templates'],
      ['POST', '/v1/templates/preview', { kind: 'reminder', locale: 'en', channel: 'sms', body: 'Hi {{customerName}}' }],
      ['GET', '/v1/api-keys'],
      ['GET', '/v1/webhook-endpoint/deliveries'],
    ] as const) {
      const answer = await test.request(method, path, body);
      expect([method, path, answer.status]).toEqual([method, path, 200]);
    }
    expect((await live.request('GET', '/v1/merchant')).body.name).toBe('Fromagerie Test');
    expect((await live.request('GET', '/v1/templates')).body.data).toEqual([]);
    expect((await live.request('GET', '/v1/api-keys')).body.data.map((k: any) => k.scope)).toEqual(['full', 'test']);

    const { body: docs } = await stack.client.request('GET', '/docs-json');
    for (const [method, path] of [
      ['get', '/v1/exports/settings'],
      ['get', '/v1/exports/{day}.csv'],
      ['patch', '/v1/merchant'],
      ['put', '/v1/webhook-endpoint'],
      ['post', '/v1/api-keys'],
    ]) {
      const operation = docs.paths[path][method];
      expect([method, path, operation['x-live-only'], Object.keys(operation.responses['403'].content['application/json'].examples)]).toEqual([method, path, true, ['insufficient_scope']]);
    }
    expect(docs.paths['/v1/orders'].post['x-live-only']).toBeUndefined();
  });

  it('runs a test campaign to the test customers only, through the log driver; a live campaign never counts a test customer', async () => {
    const { live, test } = await shopWithTestKey();
    for (const [client, phone] of [
      [live, '+33611130001'],
      [live, '+33611130002'],
      [test, '+33611130003'],
      [test, '+33611130004'],
      [test, '+33611130005'],
    ] as const) {
      expect((await client.request('POST', '/v1/customers', { name: 'Ada', phone })).status).toBe(201);
    }
    const twilioBefore = stack.twilio.calls.length;
    const liveCampaign = await live.request('POST', '/v1/campaigns', { name: 'Closed Monday', body: 'Closed on Monday', audience: { all: true } });
    const testCampaign = await test.request('POST', '/v1/campaigns', { name: 'Closed Monday', body: 'Closed on Monday', audience: { all: true } });
    expect([liveCampaign.status, liveCampaign.body.test, testCampaign.status, testCampaign.body.test]).toEqual([202, false, 202, true]);
    const liveDone = await live.waitFor(`/v1/campaigns/${liveCampaign.body.id}`, (c: any) => c.status === 'completed', 30_000);
    // A test send's receipt follows its `sent` at once, as a provider's would: the campaign completes on `sent`.
    const testDone = await test.waitFor(`/v1/campaigns/${testCampaign.body.id}`, (c: any) => c.status === 'completed' && c.counts.sent === 0, 30_000);
    expect([liveDone.recipients, liveDone.counts.sent]).toEqual([2, 2]);
    expect([testDone.recipients, testDone.counts.delivered, testDone.counts.sent]).toEqual([3, 3, 0]);
    await sleep(500);
    expect(stack.twilio.calls.slice(twilioBefore).map((call) => call.to).sort()).toEqual(['+33611130001', '+33611130002']);
    expect((await live.request('GET', '/v1/campaigns')).body.data.map((c: any) => c.id)).toEqual([liveCampaign.body.id]);
    expect((await test.request('GET', '/v1/campaigns')).body.data.map((c: any) => c.id)).toEqual([testCampaign.body.id]);
    // The test campaign's sends waited in `bulk`, never in the providers' rate-limited campaign queues; the live ones did.
    const jobQueues = async (campaignId: string) => {
      const sends = await stack.environment.query<{ id: string }>(`SELECT id FROM notifications WHERE campaign_id = $1`, [campaignId]);
      const redis = stack.environment.redis();
      try {
        const prefix = stack.environment.env.QUEUE_PREFIX;
        const queues = [];
        for (const { id } of sends) {
          for (const queue of ['bulk', 'bulk-sms', 'bulk-email']) if (await redis.exists(`${prefix}:${queue}:notification-${id}`)) queues.push(queue);
        }
        return queues;
      } finally {
        redis.disconnect();
      }
    };
    expect(await jobQueues(testCampaign.body.id)).toEqual(['bulk', 'bulk', 'bulk']);
    expect(await jobQueues(liveCampaign.body.id)).toEqual(['bulk-sms', 'bulk-sms']);
  });

  it('holds consent for test sends: a withdrawal in the test world skips test sends only, and the customer’s STOP stops both', async () => {
    const { live, test } = await shopWithTestKey();
    const customer = await test.request('POST', '/v1/customers', { name: 'Ada', phone: '+33611140001' });
    expect((await test.request('PATCH', `/v1/customers/${customer.body.id}`, { consent: { sms: false } })).body.consent.sms).toBe(false);
    const skipped = await test.request('POST', '/v1/orders', makeOrder({ customer: undefined, customerId: customer.body.id }));
    const [confirmation] = skipped.body.notifications;
    const done = await test.waitFor(`/v1/notifications/${confirmation.id}`, (n: any) => n.status === 'skipped');
    expect(done).toMatchObject({ statusReason: 'opted_out', test: true });
    // The live customer with that phone is another customer: the test world's withdrawal is not its own.
    const liveOrder = await live.request('POST', '/v1/orders', makeOrder({ customer: { phone: '+33611140001' } }));
    await live.waitFor(`/v1/notifications/${liveOrder.body.notifications[0].id}`, (n: any) => n.status === 'sent');

    // The customer texts STOP to the shop's number: neither world may text that phone any more.
    const stop = await stack.twilio.sendInbound(`${stack.apiUrl}/webhooks/twilio/inbound`, { from: '+33611140002', to: TWILIO_FROM, body: 'STOP' });
    expect(stop.status).toBe(200);
    const after = await test.request('POST', '/v1/orders', makeOrder({ customer: { phone: '+33611140002' } }));
    const stopped = await test.waitFor(`/v1/notifications/${after.body.notifications[0].id}`, (n: any) => n.status === 'skipped');
    expect(stopped.statusReason).toBe('opted_out');
  });

  it('leaves test orders out of the daily export', async () => {
    const zone = zoneAtNoon();
    const { live, test } = await shopWithTestKey({ timezone: zone });
    const liveOrder = await live.request('POST', '/v1/orders', makeOrder({ customer: { name: 'Live', phone: '+33611150001' } }));
    const testOrder = await test.request('POST', '/v1/orders', makeOrder({ customer: { name: 'Test', phone: '+33611150002' } }));
    // Both as made yesterday, so the day can be exported.
    const yesterday = DateTime.now().setZone(zone).minus({ days: 1 });
    await stack.environment.query(`UPDATE orders SET created_at = $2 WHERE id = ANY($1::uuid[])`, [[liveOrder.body.id, testOrder.body.id], yesterday.set({ hour: 12 }).toJSDate()]);
    const response = await fetch(`${stack.apiUrl}/v1/exports/${yesterday.toISODate()}.csv`, { headers: { authorization: `Bearer ${live.apiKey}` } });
    expect(response.status).toBe(200);
    const [, ...rows] = parse(Buffer.from(await response.arrayBuffer()), { bom: true }) as string[][];
    expect(rows.map((row) => row[0])).toEqual([liveOrder.body.reference]);
  });
});

describe('the test keys migration: data made before it', () => {
  let before: DatabaseBeforeMigration;

  beforeAll(async () => {
    before = await DatabaseBeforeMigration.create('TestKeys');
  });
  afterAll(() => before?.destroy());

  it('makes every row live, lets the test world reuse live references and contacts, and, undone, takes what test keys made with it', async () => {
    const [{ id: merchantId }] = await before.db.query(
      `INSERT INTO merchants (id, name, timezone, default_reminder_before) VALUES (gen_random_uuid(), 'Old shop', 'UTC', 'P1D') RETURNING id`,
    );
    const [{ id: customerId }] = await before.db.query(
      `INSERT INTO customers (id, merchant_id, name, phone, locale) VALUES (gen_random_uuid(), $1, 'Ada', '+33612345678', 'en') RETURNING id`,
      [merchantId],
    );
    const [{ id: orderId }] = await before.db.query(
      `INSERT INTO orders (id, merchant_id, customer_id, reference, pickup_at, reminder_before, channels, status)
       VALUES (gen_random_uuid(), $1, $2, 'A-1', now(), 'PT1H', '{sms}', 'active') RETURNING id`,
      [merchantId, customerId],
    );
    await before.db.query(
      `WITH n AS (
         INSERT INTO notifications (id, merchant_id, order_id, customer_id, kind, channel, priority, recipient, locale, status, scheduled_for)
         VALUES (gen_random_uuid(), $1, $2, $3, 'confirmation', 'sms', 'critical', '+33612345678', 'en', 'sent', now()) RETURNING id
       )
       INSERT INTO notification_events (notification_id, merchant_id, status) SELECT id, $1, 'sent' FROM n`,
      [merchantId, orderId, customerId],
    );
    await before.db.query(`INSERT INTO consent_withdrawals (merchant_id, channel, contact) VALUES ($1, 'email', 'ada@example.com')`, [merchantId]);

    const { ran, expected } = await before.migrateRest();
    expect(ran).toEqual(expected);
    const db = before.db;
    for (const table of ['customers', 'orders', 'notifications', 'notification_events', 'consent_withdrawals']) {
      expect([table, await db.query(`SELECT test FROM ${table}`)]).toEqual([table, [{ test: false }]]);
    }
    // The same reference, contacts and withdrawal in the test world; a second live one is still refused.
    const [{ id: testCustomerId }] = await db.query(
      `INSERT INTO customers (id, merchant_id, name, phone, locale, test) VALUES (gen_random_uuid(), $1, 'Ada', '+33612345678', 'en', true) RETURNING id`,
      [merchantId],
    );
    await db.query(
      `INSERT INTO orders (id, merchant_id, customer_id, reference, pickup_at, reminder_before, channels, status, test)
       VALUES (gen_random_uuid(), $1, $2, 'A-1', now(), 'PT1H', '{sms}', 'active', true)`,
      [merchantId, testCustomerId],
    );
    await db.query(`INSERT INTO consent_withdrawals (merchant_id, channel, contact, test) VALUES ($1, 'email', 'ada@example.com', true)`, [merchantId]);
    await expect(
      db.query(
        `INSERT INTO orders (id, merchant_id, customer_id, reference, pickup_at, reminder_before, channels, status)
         VALUES (gen_random_uuid(), $1, $2, 'A-1', now(), 'PT1H', '{sms}', 'active')`,
        [merchantId, customerId],
      ),
    ).rejects.toMatchObject({ code: '23505' });
    await expect(db.query(`INSERT INTO api_keys (id, merchant_id, name, scope, key_hash, key_prefix) VALUES (gen_random_uuid(), $1, 'x', 'admin', 'h', 'p')`, [merchantId])).rejects.toMatchObject({
      code: '23514',
    });

    // Undone (with whatever later migrations a deployment has run after it).
    for (let undone = ''; undone !== 'TestKeys1765700000000'; ) {
      [{ name: undone }] = await db.query(`SELECT name FROM schema_migrations ORDER BY id DESC LIMIT 1`);
      await db.undoLastMigration();
    }
    expect(await db.query(`SELECT reference FROM orders`)).toEqual([{ reference: 'A-1' }]);
    expect(await db.query(`SELECT count(*)::int AS n FROM customers`)).toEqual([{ n: 1 }]);
    expect(await db.query(`SELECT count(*)::int AS n FROM consent_withdrawals`)).toEqual([{ n: 1 }]);
    expect(await db.query(`SELECT column_name FROM information_schema.columns WHERE column_name = 'test' AND table_schema = 'public'`)).toEqual([]);
  });
});
