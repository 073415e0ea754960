import { eventPageSchema, eventSchema } from '../../apps/api/src/dto/event.dto';
import { EventStreamClient, StreamedEvent } from '../support/event-stream-client';
import { HeraldClient, makeOrder, mapConcurrent } from '../support/herald-client';
import { HeraldProcess, startApi } from '../support/herald-process';
import { HeraldStack, startStack } from '../support/herald-stack';
import { PrivateRedis } from '../support/private-redis';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}

/** Every event of the merchant after `after`, through the feed, page by page. */
async function readFeed(merchant: HeraldClient, after?: string, query = ''): Promise<any[]> {
  const events: any[] = [];
  let cursor = after;
  for (;;) {
    const page = await merchant.request('GET', `/v1/events?limit=200${cursor ? `&after=${cursor}` : ''}${query}`);
    expect(page.status).toBe(200);
    events.push(...page.body.data);
    if (page.body.data.length < 200) return events;
    cursor = page.body.nextCursor;
  }
}

const statusesOf = (events: { data: any }[] | any[], notificationId: string) =>
  events.map((e) => ('data' in e ? e.data : e)).filter((e) => e.notificationId === notificationId).map((e) => e.status);

describe('live events: the cursor feed and the event stream, across API instances', () => {
  let redis: PrivateRedis;
  let stack: HeraldStack;
  /** A second API instance; `stack.api` is the first. */
  let apiA: { process: HeraldProcess; url: string };

  const streamUrl = (base: string, query = '') => `${base}/v1/events/stream${query}`;
  const bearer = (merchant: HeraldClient) => ({ authorization: `Bearer ${merchant.apiKey}` });
  const sms = (merchant: HeraldClient, phone: string) =>
    merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone }, body: 'Your order is ready' }).then((r) => {
      expect(r.status).toBe(201);
      return r.body.id as string;
    });

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    stack = await startStack({
      workers: 2,
      env: { REDIS_URL: redis.url, SSE_HEARTBEAT: 'PT1S', SSE_MAX_STREAMS_PER_MERCHANT: '3', RECONCILE_EVERY: 'PT2S' },
    });
    apiA = await startApi(stack.environment.env);
  });
  afterAll(async () => {
    await apiA?.process.kill();
    await stack?.stop();
    await redis?.stop();
  });

  it('streams every status change of 200 notifications made on another instance and sent by two workers, once each, in order', async () => {
    const merchant = await stack.client.createMerchant({ name: 'Boulangerie Lune' });
    const neighbour = await stack.client.createMerchant({ name: 'Fromagerie Voisine' });
    const stream = await EventStreamClient.connect(streamUrl(apiA.url), bearer(merchant.withKey(merchant.apiKey!)));

    const [ids] = await Promise.all([
      mapConcurrent(Array.from({ length: 200 }, (_, i) => `+3361${String(1000000 + i)}`), 20, (phone) => sms(merchant, phone)),
      mapConcurrent(Array.from({ length: 20 }, (_, i) => `+3362${String(1000000 + i)}`), 5, (phone) => sms(neighbour, phone)),
    ]);
    const mine = new Set(ids);
    await stream.waitFor((s) => new Set(s.events.filter((e) => e.data.status === 'sent').map((e) => e.data.notificationId)).size === 200, '200 sent', 60_000);
    await sleep(1000); // room for a duplicate or a stray event to show up

    expect(stream.events.every((e) => mine.has(e.data.notificationId))).toBe(true);
    expect(new Set(stream.events.map((e) => e.id)).size).toBe(stream.events.length);
    for (const id of ids) expect(statusesOf(stream.events, id)).toEqual(['queued', 'sending', 'sent']);
    for (const event of stream.events) {
      expect(event.type).toBe(`notification.${event.data.status}`);
      expect(event.id).toBe(event.data.id);
      expect(eventSchema.safeParse(event.data).error).toBeUndefined();
      expect(JSON.stringify(event.data)).not.toContain('Your order is ready');
    }
    expect(stream.events.find((e) => e.data.status === 'sent')!.data).toMatchObject({
      provider: 'twilio',
      channel: 'sms',
      kind: 'message',
      to: expect.stringMatching(/^\+33\*{7}\d\d$/),
    });

    // The same events as the log holds them, in the same order.
    const logged = await stack.environment.query<{ count: string }>(`SELECT count(*) FROM notification_events WHERE notification_id = ANY($1::uuid[])`, [ids]);
    expect(stream.events).toHaveLength(Number(logged[0].count));
    const feed = (await readFeed(merchant)).filter((e) => mine.has(e.notificationId));
    expect(feed.map((e) => e.id)).toEqual(stream.events.map((e) => e.id));
    const workers = await stack.environment.query(`SELECT DISTINCT detail->>'worker' FROM notification_events WHERE status = 'sending' AND notification_id = ANY($1::uuid[])`, [ids]);
    expect(workers).toHaveLength(2);

    const latencies = stream.events.map((e) => e.receivedAt - Date.parse(e.data.at));
    process.stdout.write(
      `live events: write→stream latency over ${latencies.length} events: p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${Math.max(...latencies)} ms\n`,
    );
    stream.close();
  });

  it('pages the feed oldest first, filtered by order or notification, and refuses forged and foreign cursors', async () => {
    const merchant = await stack.client.createMerchant();
    const other = await stack.client.createMerchant();
    const order = await merchant.request('POST', '/v1/orders', makeOrder({ customer: { phone: '+33633000001' } }));
    const single = await sms(merchant, '+33633000002');
    await merchant.waitFor(`/v1/notifications/${single}`, (n: any) => n.status === 'sent');
    await merchant.waitFor(`/v1/orders/${order.body.id}`, (o: any) => o.notifications[0].status === 'sent');

    const all = await readFeed(merchant);
    expect(eventPageSchema.safeParse({ data: all, nextCursor: 'x' }).error).toBeUndefined();
    const [confirmation, reminder] = order.body.notifications;
    expect(statusesOf(all, confirmation.id)).toEqual(['queued', 'sending', 'sent']);
    expect(statusesOf(all, reminder.id)).toEqual(['scheduled']);
    expect(statusesOf(all, single)).toEqual(['queued', 'sending', 'sent']);
    expect(all.map((e) => Date.parse(e.at))).toEqual([...all.map((e) => Date.parse(e.at))].sort((a, b) => a - b));

    const first = await merchant.request('GET', '/v1/events?limit=2');
    expect(first.body.data.map((e: any) => e.id)).toEqual(all.slice(0, 2).map((e) => e.id));
    const second = await merchant.request('GET', `/v1/events?limit=2&after=${first.body.nextCursor}`);
    expect(second.body.data.map((e: any) => e.id)).toEqual(all.slice(2, 4).map((e) => e.id));
    const caughtUp = await merchant.request('GET', `/v1/events?after=${all[all.length - 1].id}`);
    expect(caughtUp.body.data).toEqual([]);
    const again = await merchant.request('GET', `/v1/events?after=${caughtUp.body.nextCursor}`);
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual([]);

    const byOrder = await readFeed(merchant, undefined, `&orderId=${order.body.id}`);
    expect(byOrder.map((e) => e.notificationId).every((id) => id === confirmation.id || id === reminder.id)).toBe(true);
    expect(byOrder).toHaveLength(4);
    const byNotification = await readFeed(merchant, undefined, `&notificationId=${single}`);
    expect(byNotification.map((e) => e.status)).toEqual(['queued', 'sending', 'sent']);

    // Tenant isolation: nothing of this merchant on another's feed, and its cursors mean nothing there.
    expect((await readFeed(other)).length).toBe(0);
    const foreign = await other.request('GET', `/v1/events?after=${all[0].id}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.code).toBe('invalid_cursor');
    const forged = await merchant.request('GET', `/v1/events?after=${all[0].id.slice(0, -2)}AA`);
    expect(forged.status).toBe(400);
    expect(forged.body.code).toBe('invalid_cursor');
    const foreignFilter = await other.request('GET', `/v1/events?orderId=${order.body.id}`);
    expect(foreignFilter.body.data).toEqual([]);
    expect((await merchant.request('GET', '/v1/events?limit=0')).body.code).toBe('invalid_query');
  });

  it('opens streams with proxy-proof headers, heartbeats, tokens for browsers, filters, and a per-merchant limit across instances', async () => {
    const merchant = await stack.client.createMerchant();
    const other = await stack.client.createMerchant();

    const refused = await EventStreamClient.open(streamUrl(apiA.url));
    expect(refused).toMatchObject({ status: 401, body: { code: 'missing_api_key' } });

    const issued = await merchant.request('POST', '/v1/events/stream-tokens');
    expect(issued.status).toBe(201);
    expect(Date.parse(issued.body.expiresAt)).toBeGreaterThan(Date.now());
    const { token } = issued.body;
    // A token opens the stream (on any instance) and nothing else; an API key is never taken from the URL.
    expect((await new HeraldClient(stack.apiUrl).request('GET', `/v1/events?token=${token}`)).status).toBe(401);
    expect(await EventStreamClient.open(streamUrl(apiA.url, `?token=${merchant.apiKey}`))).toMatchObject({ status: 401, body: { code: 'invalid_stream_token' } });
    expect(await EventStreamClient.open(streamUrl(apiA.url, `?token=${token.slice(0, -2)}AA`))).toMatchObject({ status: 401, body: { code: 'invalid_stream_token' } });

    const byToken = await EventStreamClient.connect(streamUrl(apiA.url, `?token=${token}`));
    expect(byToken.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(byToken.headers['cache-control']).toBe('no-cache, no-transform');
    expect(byToken.headers['x-accel-buffering']).toBe('no');
    await byToken.waitFor((s) => s.retryMs !== undefined && s.lastEventId !== undefined && s.comments.includes('heartbeat'), 'retry, start id and a heartbeat', 5000);
    expect(byToken.retryMs).toBeGreaterThan(0);
    const opened = byToken.lastEventId!; // where the stream started, before any event

    const watched = await sms(merchant, '+33644000001');
    const filtered = await EventStreamClient.connect(streamUrl(stack.apiUrl, `?notificationId=${watched}&lastEventId=${opened}`), bearer(merchant));
    const neighbour = await EventStreamClient.connect(streamUrl(stack.apiUrl), bearer(other));
    await sms(merchant, '+33644000002');
    await sms(other, '+33644000003');
    await byToken.waitFor((s) => s.events.filter((e) => e.data.status === 'sent').length === 2, 'both sends');
    await filtered.waitFor((s) => s.events.some((e) => e.data.status === 'sent'), 'the watched send');
    await neighbour.waitFor((s) => s.events.some((e) => e.data.status === 'sent'), "the neighbour's send");
    expect(filtered.events.map((e) => e.data.status)).toEqual(['queued', 'sending', 'sent']);
    expect(filtered.events.every((e) => e.data.notificationId === watched)).toBe(true);
    expect(neighbour.events.every((e) => e.data.to === '+33*******03')).toBe(true);
    expect(byToken.events.some((e) => e.data.to === '+33*******03')).toBe(false);
    // A cursor of another merchant does not resume anything.
    expect(await EventStreamClient.open(streamUrl(apiA.url, `?token=${token}&lastEventId=${neighbour.events[0].id}`))).toMatchObject({
      status: 400,
      body: { code: 'invalid_cursor' },
    });

    // Three streams at most (SSE_MAX_STREAMS_PER_MERCHANT), counted across both instances.
    const third = await EventStreamClient.connect(streamUrl(apiA.url), bearer(merchant));
    const metrics = await new HeraldClient(apiA.url).request('GET', '/metrics');
    expect(Number(/^herald_event_streams_open (\d+)$/m.exec(metrics.body)?.[1])).toBeGreaterThanOrEqual(2);
    const fourth = await EventStreamClient.open(streamUrl(stack.apiUrl), bearer(merchant));
    expect(fourth).toMatchObject({ status: 429, body: { code: 'too_many_streams' } });
    filtered.close(); // its instance notices the disconnection and frees the slot
    let replacement = await EventStreamClient.open(streamUrl(stack.apiUrl), bearer(merchant));
    for (const deadline = Date.now() + 5000; !(replacement instanceof EventStreamClient) && Date.now() < deadline; await sleep(100)) {
      replacement = await EventStreamClient.open(streamUrl(stack.apiUrl), bearer(merchant));
    }
    expect(replacement).toBeInstanceOf(EventStreamClient);
    for (const client of [byToken, neighbour, third, replacement as EventStreamClient]) client.close();
  });

  it('resumes after the API is killed mid-stream: what arrived before and after equals the log, with no duplicate', async () => {
    const merchant = await stack.client.createMerchant();
    const first = await EventStreamClient.connect(streamUrl(apiA.url), bearer(merchant));
    await first.waitFor((s) => s.lastEventId !== undefined, 'start id');
    const start = first.lastEventId!;
    const phones = Array.from({ length: 40 }, (_, i) => `+3365${String(1000000 + i)}`);
    const created: string[] = [];
    const producing = (async () => {
      for (const phone of phones) {
        created.push(await sms(merchant, phone));
        await sleep(50);
      }
    })();
    await first.waitFor((s) => s.events.length >= 10, '10 events');
    const port = Number(new URL(apiA.url).port);
    await apiA.process.kill();
    await first.waitFor((s) => s.ended, 'the end of the stream');
    await sleep(500); // events keep being committed while the instance is down
    apiA = await startApi(stack.environment.env, port);
    const second = await EventStreamClient.connect(streamUrl(apiA.url), { ...bearer(merchant), 'last-event-id': first.lastEventId! });
    await producing;
    await second.waitFor((s) => new Set([...first.events, ...s.events].filter((e) => e.data.status === 'sent').map((e) => e.data.notificationId)).size === 40, 'all sent', 30_000);
    await sleep(500);

    const received = [...first.events, ...second.events].map((e) => e.id);
    expect(new Set(received).size).toBe(received.length);
    const log = (await readFeed(merchant, start)).map((e) => e.id);
    expect(received).toEqual(log);
    second.close();
  });

  it('loses nothing when Redis is flushed and its subscriptions cut, nor when a signal is never published', async () => {
    const merchant = await stack.client.createMerchant();
    const stream = await EventStreamClient.connect(streamUrl(apiA.url), bearer(merchant));
    await stream.waitFor((s) => s.lastEventId !== undefined, 'start id');
    const start = stream.lastEventId!;
    const before = await sms(merchant, '+33666000001');
    await stream.waitFor((s) => statusesOf(s.events, before).includes('sent'), 'the first send');

    const admin = redis.client();
    await admin.flushall();
    await admin.client('KILL', 'TYPE', 'pubsub');
    admin.disconnect();
    const during = await mapConcurrent(['+33666000002', '+33666000003', '+33666000004'], 3, (phone) => sms(merchant, phone));
    await stream.waitFor((s) => during.every((id) => statusesOf(s.events, id).includes('sent')), 'the sends after the flush', 30_000);

    // A writer that committed but died before publishing: the stream still gets the event, from its periodic read.
    await stack.environment.query(
      `WITH changed AS (UPDATE notifications SET status = 'delivered' WHERE id = $1 RETURNING id, merchant_id)
       INSERT INTO notification_events (notification_id, merchant_id, status, detail) SELECT id, merchant_id, 'delivered', '{"provider":"twilio"}' FROM changed`,
      [before],
    );
    await stream.waitFor((s) => statusesOf(s.events, before).includes('delivered'), 'the unannounced event', 10_000);

    stream.close();
    const resumed = await EventStreamClient.connect(streamUrl(stack.apiUrl), { ...bearer(merchant), 'last-event-id': stream.events[2].id });
    await resumed.waitFor((s) => s.events.length === stream.events.length - 3, 'the rest again', 10_000);
    const log = (await readFeed(merchant, start)).map((e) => e.id);
    expect(stream.events.map((e) => e.id)).toEqual(log);
    expect(resumed.events.map((e: StreamedEvent) => e.id)).toEqual(log.slice(3));
    resumed.close();
  });
});
