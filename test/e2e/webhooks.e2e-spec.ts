import { Webhook } from 'standardwebhooks';
import { eventSchema } from '../../apps/api/src/dto/event.dto';
import { FakeMerchantEndpoint, WebhookRequest } from '../fakes/merchant-endpoint.fake';
import { HeraldClient, makeOrder } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';

jest.setTimeout(90_000);

const ADMIN = { authorization: `Basic ${Buffer.from(`${HeraldClient.admin.user}:${HeraldClient.admin.password}`).toString('base64')}` };
const BACKOFF_MS = 400;
const ATTEMPTS = 4;
const TIMEOUT_MS = 1000;

const headersOf = (request: WebhookRequest) => ({
  'webhook-id': String(request.headers['webhook-id']),
  'webhook-timestamp': String(request.headers['webhook-timestamp']),
  'webhook-signature': String(request.headers['webhook-signature']),
});

describe('signed webhooks to the merchant', () => {
  let stack: HeraldStack;
  let endpoint: FakeMerchantEndpoint;

  beforeAll(async () => {
    endpoint = await FakeMerchantEndpoint.start();
    stack = await startStack({
      env: { WEBHOOK_BACKOFF_MS: String(BACKOFF_MS), WEBHOOK_ATTEMPTS: String(ATTEMPTS), WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS) },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await endpoint?.close();
  });
  afterEach(() => endpoint.recover());

  const sms = (merchant: HeraldClient, phone: string) =>
    merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone }, body: 'Your order is ready' }).then((r) => r.body.id as string);
  const requestsFor = (notificationId: string) => endpoint.requests.filter((r) => r.body?.data?.notificationId === notificationId);

  it("POSTs every status change signed with the merchant's secret, the same events as the feed, and lists the attempts", async () => {
    const merchant = await stack.client.createMerchant();
    const put = await merchant.request('PUT', '/v1/webhook-endpoint', { url: endpoint.url });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ url: endpoint.url, events: null, secret: expect.stringMatching(/^whsec_/) });
    const { secret } = put.body;
    const shown = await merchant.request('GET', '/v1/webhook-endpoint');
    expect(shown.body).toEqual({ url: endpoint.url, events: null, createdAt: expect.any(String), updatedAt: expect.any(String) });

    const order = await merchant.request('POST', '/v1/orders', makeOrder({ customer: { phone: '+33670000001' } }));
    const [confirmation, reminder] = order.body.notifications;
    await endpoint.waitForRequests(4, (r) => [confirmation.id, reminder.id].includes(r.body?.data?.notificationId));
    const received = [...requestsFor(confirmation.id), ...requestsFor(reminder.id)];
    // Deliveries run concurrently and retry on their own, so they may arrive out of order: `at` orders them.
    const byTime = (requests: WebhookRequest[]) => [...requests].sort((a, b) => Date.parse(a.body.data.at) - Date.parse(b.body.data.at));
    expect(byTime(requestsFor(confirmation.id)).map((r) => r.body.type)).toEqual(['notification.queued', 'notification.sending', 'notification.sent']);
    expect(requestsFor(reminder.id).map((r) => r.body.type)).toEqual(['notification.scheduled']);
    for (const request of received) {
      expect(new Webhook(secret).verify(request.raw, headersOf(request))).toEqual(request.body);
      expect(request.headers['webhook-id']).toBe(request.body.data.id);
      expect(request.headers['content-type']).toBe('application/json');
      expect(eventSchema.safeParse(request.body.data).error).toBeUndefined();
      expect(request.raw).not.toContain('+33670000001');
    }
    const tampered = received[0].raw.replace('"queued"', '"sent"');
    expect(() => new Webhook(secret).verify(tampered, headersOf(received[0]))).toThrow();
    const feed = await merchant.request('GET', '/v1/events');
    expect(received.map((r) => r.body.data).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      feed.body.data.sort((a: any, b: any) => a.id.localeCompare(b.id)),
    );

    const deliveries = await merchant.waitFor('/v1/webhook-endpoint/deliveries', (page: any) => page.data.filter((d: any) => d.status === 'delivered').length === 4);
    for (const delivery of deliveries.data) {
      expect(delivery.attempts).toEqual([{ at: expect.any(String), url: endpoint.url, durationMs: expect.any(Number), statusCode: 200 }]);
      expect(received.map((r) => r.body.data.id)).toContain(delivery.eventId);
    }

    // Only the statuses asked for, signed with the new secret from now on.
    const narrowed = await merchant.request('PUT', '/v1/webhook-endpoint', { url: endpoint.url, events: ['sent'] });
    expect(narrowed.body.secret).not.toBe(secret);
    endpoint.failNext(1, { delayMs: 400 }); // a slow answer, but within WEBHOOK_TIMEOUT_MS: delivered
    const single = await sms(merchant, '+33670000002');
    const [sent] = await endpoint.waitForRequests(1, (r) => r.body?.data?.notificationId === single);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(requestsFor(single).map((r) => r.body.type)).toEqual(['notification.sent']);
    expect(new Webhook(narrowed.body.secret).verify(sent.raw, headersOf(sent))).toEqual(sent.body);
    expect(() => new Webhook(secret).verify(sent.raw, headersOf(sent))).toThrow();
    const slow = await merchant.waitFor('/v1/webhook-endpoint/deliveries', (page: any) => page.data[0]?.status === 'delivered');
    expect(slow.data[0].attempts).toEqual([expect.objectContaining({ statusCode: 200, durationMs: expect.any(Number) })]);
    expect(slow.data[0].attempts[0].durationMs).toBeGreaterThanOrEqual(400);
  });

  it('retries an endpoint answering 500 with growing gaps, then dead-letters the delivery with one Slack alert', async () => {
    const merchant = await stack.client.createMerchant({ name: 'Épicerie Durand' });
    endpoint.failAlways({ status: 500 });
    await merchant.request('PUT', '/v1/webhook-endpoint', { url: endpoint.url, events: ['sent'] });
    const alertsBefore = stack.slack.messages.length;
    const id = await sms(merchant, '+33671000001');
    const tries = await endpoint.waitForRequests(ATTEMPTS, (r) => r.body?.data?.notificationId === id, 20_000);
    expect(new Set(tries.map((t) => t.headers['webhook-id'])).size).toBe(1);
    const gaps = tries.slice(1).map((t, i) => t.at - tries[i].at);
    // Base 400 ms doubling, with equal jitter: at least 200, 400 and 800 ms.
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual((BACKOFF_MS / 2) * 2 ** i));
    expect(gaps[gaps.length - 1]).toBeGreaterThan(gaps[0]);

    const dead = await merchant.waitFor('/v1/webhook-endpoint/deliveries', (page: any) => page.data[0]?.status === 'dead');
    expect(dead.data[0].attempts.map((a: any) => a.statusCode)).toEqual([500, 500, 500, 500]);
    await stack.slack.waitForMessages(alertsBefore + 1);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // an extra alert would have arrived by now
    const alerts = stack.slack.messages.slice(alertsBefore);
    expect(alerts).toHaveLength(1);
    expect(alerts[0].text).toContain('webhook');
    expect(alerts[0].text).toContain('Épicerie Durand');
    expect(alerts[0].text).toContain(new URL(endpoint.url).host);
    expect(alerts[0].text).toContain('http_500');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(requestsFor(id)).toHaveLength(ATTEMPTS);

    // Retry in Bull Board once the endpoint is back: the same event is delivered.
    endpoint.recover();
    const letters = await stack.client.request('GET', '/admin/queues/api/queues?activeQueue=dead-letter&status=failed', undefined, ADMIN);
    const letter = letters.body.queues
      .find((q: any) => q.name === 'dead-letter')
      .jobs.find((j: any) => j.name === 'webhook-dead-letter' && j.data.notificationId === id);
    // As a dead send's, the delivery's own job completed naming its letter: the letter is the one place to press Retry.
    const bulkJobs = async (status: string) =>
      (await stack.client.request('GET', `/admin/queues/api/queues?activeQueue=bulk&status=${status}`, undefined, ADMIN)).body.queues.find((q: any) => q.name === 'bulk').jobs;
    const deliveryJob = `webhook-${dead.data[0].id}`;
    expect((await bulkJobs('failed')).map((j: any) => j.id)).not.toContain(deliveryJob);
    expect((await bulkJobs('completed')).find((j: any) => j.id === deliveryJob)?.returnValue).toEqual({ kind: 'dead', deadLetter: letter.id });
    // A merchant endpoint's refusals are logged as warnings where they happen, never as a worker's unexpected failure.
    expect(stack.workers[0].output).toContain('webhook attempt failed');
    expect(stack.workers[0].output).not.toContain('"msg":"job failed"');
    const retried = await stack.client.request('PUT', `/admin/queues/api/queues/dead-letter/${encodeURIComponent(letter.id)}/retry`, undefined, ADMIN);
    expect(retried.status).toBe(204);
    const delivered = await merchant.waitFor('/v1/webhook-endpoint/deliveries', (page: any) => page.data[0]?.status === 'delivered');
    expect(delivered.data[0].attempts.map((a: any) => a.statusCode)).toEqual([500, 500, 500, 500, 200]);
  });

  it('times out a hanging endpoint and never holds up a confirmation', async () => {
    const merchant = await stack.client.createMerchant();
    endpoint.failAlways({ hang: true });
    await merchant.request('PUT', '/v1/webhook-endpoint', { url: endpoint.url });
    const busy = await Promise.all(Array.from({ length: 6 }, (_, i) => sms(merchant, `+3367200000${i}`)));
    await endpoint.waitForRequests(5, (r) => busy.includes(r.body?.data?.notificationId));

    // Every bulk slot now waits on the merchant: a confirmation still goes out at once.
    const posted = Date.now();
    const order = await merchant.request('POST', '/v1/orders', makeOrder({ customer: { phone: '+33672999999' } }));
    expect(order.status).toBe(201);
    const confirmation = () => stack.twilio.sent().find((c) => c.to === '+33672999999');
    for (const deadline = Date.now() + 10_000; !confirmation() && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(confirmation()!.at - posted).toBeLessThan(1000);

    const page = await merchant.waitFor('/v1/webhook-endpoint/deliveries?limit=200', (p: any) => p.data.some((d: any) => d.attempts.length > 0));
    const attempt = page.data.find((d: any) => d.attempts.length > 0).attempts[0];
    expect(attempt.error).toBe(`the endpoint did not answer within ${TIMEOUT_MS} ms`);
    expect(attempt.statusCode).toBeUndefined();
    expect(attempt.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(attempt.durationMs).toBeLessThan(TIMEOUT_MS + 1000);
  });

  it("keeps merchants apart: another merchant's endpoint, deliveries and events", async () => {
    const other = await FakeMerchantEndpoint.start();
    try {
      const merchant = await stack.client.createMerchant();
      const neighbour = await stack.client.createMerchant();
      expect((await neighbour.request('GET', '/v1/webhook-endpoint')).body.code).toBe('webhook_endpoint_not_found');
      await merchant.request('PUT', '/v1/webhook-endpoint', { url: endpoint.url });
      await neighbour.request('PUT', '/v1/webhook-endpoint', { url: other.url });
      const mine = await sms(merchant, '+33673000001');
      const theirs = await sms(neighbour, '+33673000002');
      await endpoint.waitForRequests(3, (r) => r.body?.data?.notificationId === mine);
      await other.waitForRequests(3, (r) => r.body?.data?.notificationId === theirs);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(other.requests.every((r) => r.body.data.notificationId === theirs)).toBe(true);
      expect(endpoint.requests.some((r) => r.body?.data?.notificationId === theirs)).toBe(false);
      const listed = await neighbour.request('GET', '/v1/webhook-endpoint/deliveries');
      expect(listed.body.data.map((d: any) => d.notificationId)).toEqual([theirs, theirs, theirs]);

      expect((await merchant.request('PUT', '/v1/webhook-endpoint', { url: 'ftp://example.com/hook' })).body.code).toBe('validation_failed');
      expect((await neighbour.request('DELETE', '/v1/webhook-endpoint')).status).toBe(204);
      const after = await sms(neighbour, '+33673000003');
      await merchant.waitFor(`/v1/notifications/${mine}`, (n: any) => n.status === 'sent');
      await neighbour.waitFor(`/v1/notifications/${after}`, (n: any) => n.status === 'sent');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(other.requests.some((r) => r.body?.data?.notificationId === after)).toBe(false);
    } finally {
      await other.close();
    }
  });
});
