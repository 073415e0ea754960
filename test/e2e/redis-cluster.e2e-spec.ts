import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { parseEnvironment } from '@herald/config';
import { LEASE_MS, RedisSignals, StreamLeases } from '@herald/events';
import { RedisClients } from '@herald/redis';
import { FakeMerchantEndpoint } from '../fakes/merchant-endpoint.fake';
import { EventStreamClient } from '../support/event-stream-client';
import { HeraldClient, makeOrder, mapConcurrent } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';
import { PrivateRedis } from '../support/private-redis';
import { PrivateRedisCluster } from '../support/private-redis-cluster';
import { TestCertificate } from '../support/test-certificate';

jest.setTimeout(90_000);

const QUEUES = ['critical', 'bulk', 'dead-letter'] as const;
/** The campaign queues are hash-tagged like the others; their placement is the Cluster's choice. */
const CAMPAIGN_QUEUES = ['bulk-sms', 'bulk-email'] as const;
const ADMIN = { authorization: `Basic ${Buffer.from(`${HeraldClient.admin.user}:${HeraldClient.admin.password}`).toString('base64')}` };

/**
 * A queue prefix whose three queues hash to three different masters of this cluster. Each queue's slot follows from
 * its hash tag, so which master serves it is the luck of the hash (in production, an operator moves the slot);
 * the test picks a prefix that spreads them, so it can show the queues really run on separate masters.
 */
async function prefixSpreadOver(cluster: PrivateRedisCluster): Promise<{ prefix: string; masters: Map<string, PrivateRedis> }> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const prefix = `herald-test-${process.pid}_${randomBytes(4).toString('hex')}`;
    const masters = new Map<string, PrivateRedis>();
    for (const queue of QUEUES) masters.set(queue, await cluster.masterOf(`{${prefix}:${queue}}`));
    if (new Set(masters.values()).size === QUEUES.length) return { prefix, masters };
  }
  throw new Error('no prefix in 100 spread the three queues over three masters: are the queues hash-tagged apart?');
}

// Locked as a managed cluster is: every node (and the cluster bus) speaks TLS only, with a self-signed certificate, and
// asks for a password. Herald gets in with REDIS_PASSWORD, REDIS_TLS and REDIS_TLS_CA.
describe('Herald on a 3-master Redis Cluster, over TLS with a password', () => {
  let certificate: TestCertificate;
  let cluster: PrivateRedisCluster;
  let prefix: string;
  let masters: Map<string, PrivateRedis>;
  let stack: HeraldStack;
  let merchant: HeraldClient;
  let endpoint: FakeMerchantEndpoint;

  beforeAll(async () => {
    certificate = await TestCertificate.create();
    cluster = await PrivateRedisCluster.start(3, { tls: certificate, password: 'cluster-password' });
    ({ prefix, masters } = await prefixSpreadOver(cluster));
    endpoint = await FakeMerchantEndpoint.start();
    stack = await startStack({
      env: { ...cluster.env, QUEUE_PREFIX: prefix, RECONCILE_EVERY: 'PT2S', SSE_MAX_STREAMS_PER_MERCHANT: '2' },
    });
    merchant = await stack.client.createMerchant({ name: 'Boulangerie Lune' });
  });
  afterAll(async () => {
    await stack?.stop();
    await cluster?.stop();
    await endpoint?.close();
    certificate?.remove();
  });

  const smsTo = (phone: string) => stack.twilio.sent().filter((call) => call.to === phone);
  const order = (phone: string, pickupInMs: number, reminderBefore: string) =>
    merchant.request('POST', '/v1/orders', makeOrder({ customer: { phone }, pickupAt: new Date(Date.now() + pickupInMs).toISOString(), reminderBefore }));

  it('sends confirmations at once and reminders on time, moves a rescheduled reminder, never sends a cancelled one', async () => {
    const [onTime, moved, cancelled] = await Promise.all([
      order('+33640000001', 8_000, 'PT4S'),
      order('+33640000002', 6_000, 'PT3S'),
      // Due 11 s from now: its confirmation is sent, then the order cancelled, well before (a loaded machine takes seconds).
      order('+33640000003', 14_000, 'PT3S'),
    ]);
    for (const created of [onTime, moved, cancelled]) expect(created.status).toBe(201);
    const newPickup = new Date(Date.now() + 9_000);
    const patched = await merchant.request('PATCH', `/v1/orders/${moved.body.id}`, { pickupAt: newPickup.toISOString() });
    expect(patched.status).toBe(200);
    const movedReminder = patched.body.notifications.find((n: any) => n.kind === 'reminder');
    expect(movedReminder.scheduledFor).toBe(new Date(newPickup.getTime() - 3000).toISOString());
    await merchant.waitFor(`/v1/notifications/${cancelled.body.notifications[0].id}`, (n: any) => n.status === 'sent'); // the confirmation goes regardless
    expect((await merchant.request('POST', `/v1/orders/${cancelled.body.id}/cancel`)).status).toBe(200);

    for (const created of [onTime, moved]) {
      await merchant.waitFor(`/v1/orders/${created.body.id}`, (o: any) => o.notifications.every((n: any) => n.status === 'sent'), 20_000);
    }
    const [onTimeCalls, movedCalls] = [smsTo('+33640000001'), smsTo('+33640000002')];
    expect(onTimeCalls).toHaveLength(2);
    expect(movedCalls).toHaveLength(2);
    const onTimeDue = new Date(onTime.body.notifications[1].scheduledFor).getTime();
    expect(onTimeCalls[1].at).toBeGreaterThanOrEqual(onTimeDue);
    expect(onTimeCalls[1].at - onTimeDue).toBeLessThan(1000);
    expect(movedCalls[1].at).toBeGreaterThanOrEqual(new Date(movedReminder.scheduledFor).getTime());
    expect(movedCalls[1].body).toContain('is ready');

    // The cancelled order's reminder: once its due time is past, still never sent.
    const cancelledDue = new Date(cancelled.body.notifications[1].scheduledFor).getTime();
    await sleep(Math.max(0, cancelledDue + 1500 - Date.now()));
    const afterCancel = await merchant.request('GET', `/v1/orders/${cancelled.body.id}`);
    expect(afterCancel.body.notifications.map((n: any) => n.status)).toEqual(['sent', 'cancelled']);
    expect(smsTo('+33640000003')).toHaveLength(1);
  });

  it('dead-letters a permanent failure, alerts once, and sends it after a Retry in Bull Board', async () => {
    stack.twilio.failAlways({ status: 400, code: 21211, message: "The 'To' number +33640000004 is not a valid phone number." });
    const created = await merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone: '+33640000004' }, body: 'Your cake is ready' });
    await merchant.waitFor(`/v1/notifications/${created.body.id}`, (n: any) => n.status === 'dead');
    await stack.slack.waitForMessages(1);
    stack.twilio.recover();

    const board = await stack.client.request('GET', '/admin/queues/api/queues?activeQueue=dead-letter&status=failed', undefined, ADMIN);
    expect(board.status).toBe(200);
    const letter = board.body.queues.find((q: any) => q.name === 'dead-letter').jobs.find((j: any) => j.data.notificationId === created.body.id);
    expect(letter.data).toMatchObject({ queue: 'critical', error: { code: '21211', permanent: true } });
    const retried = await stack.client.request('PUT', `/admin/queues/api/queues/dead-letter/${encodeURIComponent(letter.id)}/retry`, undefined, ADMIN);
    expect(retried.status).toBe(204);

    const sent = await merchant.waitFor(`/v1/notifications/${created.body.id}`, (n: any) => n.status === 'sent');
    expect(sent.events.map((e: any) => e.status)).toEqual(['queued', 'sending', 'dead', 'queued', 'sending', 'sent']);
    expect(smsTo('+33640000004').filter((call) => call.status === 201)).toHaveLength(1);
    expect(stack.slack.messages).toHaveLength(1);
  });

  it('keeps each queue in one slot, the three queues on three different masters, and each admin rate counter in one slot', async () => {
    const bulk = await merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone: '+33640000005' }, body: 'Spring menu', priority: 'bulk' });
    await merchant.waitFor(`/v1/notifications/${bulk.body.id}`, (n: any) => n.status === 'sent');

    const queueOf = (key: string) => new RegExp(`^\\{${prefix}:(${[...QUEUES, ...CAMPAIGN_QUEUES].join('|')})\\}:`).exec(key)?.[1];
    // The admin rate limit's counters (creating the merchant counted): both keys of a counter under one hash tag.
    const isRateCounter = (key: string) => key.startsWith(`{${prefix}:throttler:`);
    const placement = new Map<string, Set<number>>();
    const rateCounters: string[] = [];
    for (const node of cluster.nodes) {
      const ours = (await cluster.keysOn(node)).filter((key) => key.includes(prefix));
      rateCounters.push(...ours.filter(isRateCounter));
      for (const key of ours.filter((key) => !isRateCounter(key))) {
        const queue = queueOf(key);
        expect({ key, queue }).toEqual({ key, queue: expect.any(String) }); // every key is hash-tagged with its queue
        placement.set(queue!, (placement.get(queue!) ?? new Set()).add(node.port));
      }
    }
    for (const queue of QUEUES) expect({ queue, masters: [...(placement.get(queue) ?? [])] }).toEqual({ queue, masters: [masters.get(queue)!.port] });
    expect(new Set(QUEUES.map((queue) => masters.get(queue)!.port)).size).toBe(3);
    for (const queue of CAMPAIGN_QUEUES) expect(placement.get(queue)?.size ?? 0).toBeLessThanOrEqual(1);
    expect(rateCounters.length).toBeGreaterThan(0);
    for (const key of rateCounters) expect(key).toMatch(new RegExp(`^\\{${prefix}:throttler:[0-9a-f]{64}:admin\\}:(hits|blocked)$`));
  });

  it("answers readiness, queue depth, Bull Board's Redis figures and runs the reconciliation schedule from the cluster", async () => {
    const ready = await stack.client.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.redis.status).toBe('up');
    expect((await fetch(`${stack.workers[0].metricsUrl}/health/ready`)).status).toBe(200);

    const metrics = await stack.client.request('GET', '/metrics');
    for (const queue of QUEUES) expect(metrics.body).toMatch(new RegExp(`^herald_queue_jobs\\{queue="${queue}",state="completed"\\} \\d+$`, 'm'));
    expect(metrics.body).toMatch(/^herald_queue_jobs\{queue="critical",state="completed"\} [1-9]\d*$/m);

    const redis = await stack.client.request('GET', '/admin/queues/api/redis/stats', undefined, ADMIN);
    expect(redis.status).toBe(200);
    expect(redis.body.mode).toBe('cluster');

    // The job scheduler (RECONCILE_EVERY=PT2S) lives with critical's keys and has been running on its master.
    const scheduler = masters.get('critical')!.client();
    const runs = Number(await scheduler.hget(`{${prefix}:critical}:critical:repeat:reconcile-pending`, 'ic').finally(() => scheduler.disconnect()));
    expect(runs).toBeGreaterThanOrEqual(2);
  });

  it("streams a confirmation's events live and POSTs them signed to the merchant's webhook, with a merchant's streams counted across the cluster", async () => {
    const shop = await stack.client.createMerchant({ name: 'Fromagerie Soleil' });
    const { secret } = (await shop.request('PUT', '/v1/webhook-endpoint', { url: endpoint.url })).body;
    const streamUrl = `${stack.apiUrl}/v1/events/stream`;
    const bearer = { authorization: `Bearer ${shop.apiKey}` };
    const streams = [await EventStreamClient.connect(streamUrl, bearer), await EventStreamClient.connect(streamUrl, bearer)];
    // Two at most (SSE_MAX_STREAMS_PER_MERCHANT): the count is a sorted set in the cluster, under its own hash tag.
    expect(await EventStreamClient.open(streamUrl, bearer)).toMatchObject({ status: 429, body: { code: 'too_many_streams' } });
    const leases = `{${prefix}:streams}:${shop.merchantId}`;
    expect(await cluster.keysOn(await cluster.masterOf(leases))).toContain(leases);

    const created = await shop.request('POST', '/v1/orders', makeOrder({ customer: { phone: '+33644000001' } }));
    const confirmation = created.body.notifications.find((n: any) => n.kind === 'confirmation').id;
    const statuses = (stream: EventStreamClient) => stream.events.filter((e) => e.data.notificationId === confirmation).map((e) => e.data.status);
    for (const stream of streams) await stream.waitFor((s) => statuses(s).includes('sent'), 'the confirmation sent');
    for (const stream of streams) expect(statuses(stream)).toEqual(['queued', 'sending', 'sent']);

    const delivered = await endpoint.waitForRequests(3, (r) => r.body?.data?.notificationId === confirmation);
    expect(delivered.map((r) => r.body.type).sort()).toEqual(['notification.queued', 'notification.sending', 'notification.sent']);
    for (const request of delivered) {
      const headers = { 'webhook-id': String(request.headers['webhook-id']), 'webhook-timestamp': String(request.headers['webhook-timestamp']), 'webhook-signature': String(request.headers['webhook-signature']) };
      expect(new Webhook(secret).verify(request.raw, headers)).toEqual(request.body);
    }
    for (const stream of streams) stream.close();
  });

  it("renews the stream leases of several merchants in one pipeline, as an API instance does every 20 s (one slot)", async () => {
    const config = parseEnvironment({ ...cluster.env, QUEUE_PREFIX: prefix });
    const clients = new RedisClients(config);
    try {
      const leases = new StreamLeases(new RedisSignals(clients, config), config);
      const held = ['merchant-a', 'merchant-b', 'merchant-c'].map((merchantId) => ({ merchantId, streamId: `${merchantId}-stream` }));
      const now = Date.now();
      await leases.renew(held, now);
      const client = clients.create('test:leases');
      for (const { merchantId, streamId } of held) expect(Number(await client.zscore(`{${prefix}:streams}:${merchantId}`, streamId))).toBe(now + LEASE_MS);
      for (const { merchantId, streamId } of held) await leases.release(merchantId, streamId);
    } finally {
      clients.onApplicationShutdown();
    }
  });

  it("rebuilds from Postgres when the master holding 'critical' loses its data, sending every message once and none early", async () => {
    const sendAt = new Date(Date.now() + 6_000);
    const critical = Array.from({ length: 30 }, (_, i) => `+3364100${String(i).padStart(4, '0')}`);
    const bulk = Array.from({ length: 10 }, (_, i) => `+3364200${String(i).padStart(4, '0')}`);
    await mapConcurrent([...critical, ...bulk], 10, async (phone) => {
      const priority = critical.includes(phone) ? 'critical' : 'bulk';
      const created = await merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone }, body: 'Market day', sendAt: sendAt.toISOString(), priority });
      expect(created.status).toBe(201);
    });

    await Promise.all(stack.workers.splice(0).map((worker) => worker.kill()));
    const criticalMaster = masters.get('critical')!;
    await cluster.flushMaster(criticalMaster);
    expect((await cluster.keysOn(criticalMaster)).filter((key) => key.includes(prefix))).toEqual([]);
    expect((await cluster.keysOn(masters.get('bulk')!)).some((key) => key.startsWith(`{${prefix}:bulk}:`))).toBe(true); // the others kept theirs

    await stack.addWorker(); // its boot reconciliation puts the lost jobs back
    // Counted by text: on a busy machine a message or two may already have gone, on time, before the workers were killed.
    await stack.twilio.waitForSentWithBody(40, 'Market day', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // room for a duplicate to show up
    const market = stack.twilio.sent().filter((call) => call.body === 'Market day');
    expect(market).toHaveLength(40);
    expect(new Set(market.map((call) => call.to)).size).toBe(40);
    expect(Math.min(...market.map((call) => call.at))).toBeGreaterThanOrEqual(sendAt.getTime());
  });

  it("caps campaign messages on the cluster: a merchant's counters share one slot, so one script admits a whole chunk", async () => {
    const shop = await stack.client.createMerchant({ name: 'Capped Shop' });
    expect((await shop.request('PATCH', '/v1/merchant', { frequencyCaps: { perDay: 1, perWeek: null } })).status).toBe(200);
    await stack.environment.query(
      `INSERT INTO customers (id, merchant_id, name, phone, locale)
       SELECT gen_random_uuid(), $1, 'Customer ' || i, '+3364100000' || i, 'en' FROM generate_series(1, 5) AS i`,
      [shop.merchantId],
    );
    for (const [name, expected] of [['First', { recipients: 5, skipped: {} }], ['Second', { recipients: 0, skipped: { frequency_cap: 5 } }]] as const) {
      const created = await shop.request('POST', '/v1/campaigns', { name, body: `${name} news`, audience: { all: true } });
      expect(await shop.waitFor(`/v1/campaigns/${created.body.id}`, (c: any) => c.status === 'completed')).toMatchObject(expected);
    }
    const tag = `{${prefix}:fcap:${shop.merchantId}}`;
    const holders: number[] = [];
    for (const node of cluster.nodes) if ((await cluster.keysOn(node)).some((key) => key.startsWith(tag))) holders.push(node.port);
    expect(holders).toEqual([(await cluster.masterOf(tag)).port]);
  });

  it('drains on SIGTERM: the sends in flight finish and the worker exits 0', async () => {
    stack.twilio.delayMs = 1500;
    const ids = await Promise.all(
      ['+33643000001', '+33643000002', '+33643000003'].map((phone) =>
        merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone }, body: 'Closing soon' }).then((r) => r.body.id as string),
      ),
    );
    const deadline = Date.now() + 10_000;
    while ((await stack.environment.query(`SELECT 1 FROM notifications WHERE status = 'sending'`)).length < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const [worker] = stack.workers;
    expect(await worker.stop()).toBe(0);
    stack.workers.splice(0, 1);
    const rows = await stack.environment.query<{ status: string }>(`SELECT status FROM notifications WHERE id = ANY($1::uuid[])`, [ids]);
    expect(rows.map((row) => row.status)).toEqual(['sent', 'sent', 'sent']);
    expect(stack.twilio.sent().filter((call) => call.body === 'Closing soon')).toHaveLength(3);
  });
});
