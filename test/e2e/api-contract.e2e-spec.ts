import { HeraldClient, makeOrder } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';

jest.setTimeout(60_000);

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ADMIN = basic(HeraldClient.admin.user, HeraldClient.admin.password);

describe('the HTTP contract', () => {
  let stack: HeraldStack;
  let shop: HeraldClient;
  let otherShop: HeraldClient;

  beforeAll(async () => {
    stack = await startStack();
    [shop, otherShop] = await Promise.all([stack.client.createMerchant({ name: 'Shop A' }), stack.client.createMerchant({ name: 'Shop B' })]);
  });
  afterAll(() => stack?.stop());

  describe('Idempotency-Key', () => {
    it('creates one order from 20 concurrent POSTs with the same key', async () => {
      const body = makeOrder();
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => shop.request('POST', '/v1/orders', body, { 'Idempotency-Key': 'order-burst-1' })),
      );
      const created = responses.filter((r) => r.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(responses.every((r) => r.status === 201 || (r.status === 409 && r.body.code === 'idempotency_request_in_progress'))).toBe(true);
      expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
      const rows = await stack.environment.query(`SELECT id FROM orders WHERE reference = $1`, [body.reference]);
      expect(rows).toHaveLength(1);
    });

    it('replays the first response for the same key and body, and refuses the key with another body', async () => {
      const body = makeOrder();
      const first = await shop.request('POST', '/v1/orders', body, { 'Idempotency-Key': 'replay-1' });
      const again = await shop.request('POST', '/v1/orders', body, { 'Idempotency-Key': 'replay-1' });
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      const other = await shop.request('POST', '/v1/orders', makeOrder(), { 'Idempotency-Key': 'replay-1' });
      expect(other.status).toBe(422);
      expect(other.body.code).toBe('idempotency_key_reused');
    });

    it('replays the first answer on every POST route of the API and the admin API', async () => {
      const { paths } = (await stack.client.request('GET', '/docs-json')).body as { paths: Record<string, { post?: unknown }> };
      // The webhooks take the key too, behind their providers' signatures, which this test cannot make.
      const routes = Object.keys(paths).filter((path) => paths[path].post && !path.startsWith('/webhooks/'));
      expect(routes).toEqual(expect.arrayContaining(['/v1/orders', '/v1/api-keys', '/v1/events/stream-tokens', '/admin/merchants']));
      for (const route of routes) {
        const path = route.replace('{day}', '2026-01-01').replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000');
        const client = path.startsWith('/admin/') ? stack.client : shop;
        const headers = { 'Idempotency-Key': `every-route-${route}`, ...(path.startsWith('/admin/') ? { authorization: ADMIN } : {}) };
        const first = await client.request('POST', path, {}, headers);
        const again = await client.request('POST', path, {}, headers);
        expect({ route, status: first.status < 500, replayed: first.headers.get('idempotent-replayed') }).toEqual({ route, status: true, replayed: null });
        expect({ route, status: again.status, body: again.body, replayed: again.headers.get('idempotent-replayed') }).toEqual({
          route,
          status: first.status,
          body: first.body,
          replayed: 'true',
        });
      }
    });

    it('keeps keys per merchant', async () => {
      const body = makeOrder();
      const mine = await shop.request('POST', '/v1/orders', body, { 'Idempotency-Key': 'shared-key' });
      const theirs = await otherShop.request('POST', '/v1/orders', body, { 'Idempotency-Key': 'shared-key' });
      expect(mine.status).toBe(201);
      expect(theirs.status).toBe(201);
      expect(theirs.body.id).not.toBe(mine.body.id);
    });
  });

  describe('tenancy and authentication', () => {
    it("answers 404 for another merchant's order and notification, and never changes them", async () => {
      const order = await shop.request('POST', '/v1/orders', makeOrder());
      const reminderId = order.body.notifications[1].id;
      expect((await otherShop.request('GET', `/v1/orders/${order.body.id}`)).status).toBe(404);
      expect((await otherShop.request('PATCH', `/v1/orders/${order.body.id}`, { reminderBefore: 'PT30M' })).status).toBe(404);
      expect((await otherShop.request('POST', `/v1/orders/${order.body.id}/cancel`)).body.code).toBe('order_not_found');
      expect((await otherShop.request('GET', `/v1/notifications/${reminderId}`)).status).toBe(404);
      expect((await otherShop.request('POST', `/v1/notifications/${reminderId}/cancel`)).status).toBe(404);
      const list = await otherShop.request('GET', `/v1/notifications?orderId=${order.body.id}`);
      expect(list.body.data).toEqual([]);
      const still = await shop.request('GET', `/v1/orders/${order.body.id}`);
      expect(still.body.status).toBe('active');
      expect(still.body.reminderBefore).toBe('PT1H');
    });

    it('answers 401 with a code for a missing or wrong API key', async () => {
      const anonymous = new HeraldClient(stack.apiUrl);
      const missing = await anonymous.request('GET', '/v1/notifications');
      expect(missing).toMatchObject({ status: 401, body: { statusCode: 401, code: 'missing_api_key' } });
      const wrong = await anonymous.withKey('hk_not-a-real-key').request('POST', '/v1/orders', makeOrder());
      expect(wrong).toMatchObject({ status: 401, body: { code: 'invalid_api_key' } });
    });

    it('protects the admin API with Basic credentials', async () => {
      const anonymous = new HeraldClient(stack.apiUrl);
      const response = await anonymous.request('POST', '/admin/merchants', { name: 'Intruder' }, { authorization: basic('admin', 'guess') });
      expect(response).toMatchObject({ status: 401, body: { code: 'admin_auth_required' } });
      expect(response.headers.get('www-authenticate')).toContain('Basic');
    });
  });

  describe('bad input gets a 4xx with a stable code, never a 5xx', () => {
    const cases: [string, string, unknown, number, string][] = [
      ['malformed JSON', '/v1/orders', '{"reference": ', 400, 'malformed_json'],
      ['a phone that is not E.164', '/v1/orders', makeOrder({ customer: { phone: '0612345678' } }), 400, 'validation_failed'],
      ['a phone that cannot exist', '/v1/orders', makeOrder({ customer: { phone: '+3361234' } }), 400, 'validation_failed'],
      ['a bad email', '/v1/orders', makeOrder({ customer: { email: 'not-an-email' }, channels: ['email'] }), 400, 'validation_failed'],
      ['an instant without offset', '/v1/orders', makeOrder({ pickupAt: '2030-01-01T10:00:00' }), 400, 'validation_failed'],
      ['a bad duration', '/v1/orders', makeOrder({ reminderBefore: '1 day' }), 400, 'validation_failed'],
      ['an unknown field', '/v1/orders', makeOrder({ coupon: 'FREE' }), 400, 'validation_failed'],
      ['an email channel without email', '/v1/orders', makeOrder({ channels: ['email'] }), 422, 'channel_recipient_missing'],
      ['a pickup in the past', '/v1/orders', makeOrder({ pickupAt: '2020-01-01T10:00:00Z' }), 422, 'pickup_at_in_past'],
      ['a pickup beyond MAX_SCHEDULE_AHEAD', '/v1/orders', makeOrder({ pickupAt: '9999-12-31T23:59:59Z' }), 422, 'schedule_too_far_ahead'],
      ['a sendAt beyond MAX_SCHEDULE_AHEAD', '/v1/notifications', { channel: 'sms', to: { phone: '+33612345678' }, body: 'x', sendAt: '9999-12-31T23:59:59Z' }, 422, 'schedule_too_far_ahead'],
      ['an array body', '/v1/orders', [1, 2], 400, 'validation_failed'],
      ['neither body nor template', '/v1/notifications', { channel: 'sms', to: { phone: '+33612345678' } }, 400, 'validation_failed'],
      ['an unknown priority', '/v1/notifications', { channel: 'sms', to: { phone: '+33612345678' }, body: 'x', priority: 'urgent' }, 400, 'validation_failed'],
    ];

    it.each(cases)('%s', async (_, path, body, status, code) => {
      const response = await shop.request('POST', path, body);
      expect(response.status).toBe(status);
      expect(response.body).toMatchObject({ statusCode: status, code });
      expect(typeof response.body.message).toBe('string');
    });

    it('keeps pickups within MAX_SCHEDULE_AHEAD (default a year): on create and on PATCH', async () => {
      const inElevenMonths = new Date(Date.now() + 335 * 24 * 3600_000).toISOString();
      const order = await shop.request('POST', '/v1/orders', makeOrder({ pickupAt: inElevenMonths }));
      expect(order.status).toBe(201);
      const moved = await shop.request('PATCH', `/v1/orders/${order.body.id}`, { pickupAt: '9999-12-31T23:59:59Z' });
      expect(moved).toMatchObject({ status: 422, body: { code: 'schedule_too_far_ahead', details: { field: 'pickupAt' } } });
      expect((await shop.request('GET', `/v1/orders/${order.body.id}`)).body.pickupAt).toBe(inElevenMonths);
    });

    it('refuses a body over the size limit with 413', async () => {
      const response = await shop.request('POST', '/v1/orders', makeOrder({ reference: 'x'.repeat(200_000) }));
      expect(response).toMatchObject({ status: 413, body: { code: 'payload_too_large' } });
    });

    it('answers 404 for an id that is not a uuid, and for an unknown route', async () => {
      expect((await shop.request('GET', '/v1/orders/12345')).body.code).toBe('order_not_found');
      expect((await shop.request('GET', '/v1/nothing-here')).body.code).toBe('route_not_found');
    });

    it('answers 409 for a duplicate order reference and for cancelling a sent notification', async () => {
      const body = makeOrder();
      await shop.request('POST', '/v1/orders', body);
      expect((await shop.request('POST', '/v1/orders', body)).body.code).toBe('order_reference_taken');
      const message = await shop.request('POST', '/v1/notifications', { channel: 'sms', to: { phone: '+33698765432' }, body: 'Hi' });
      await shop.waitFor(`/v1/notifications/${message.body.id}`, (n: any) => n.status === 'sent');
      const cancel = await shop.request('POST', `/v1/notifications/${message.body.id}/cancel`);
      expect(cancel).toMatchObject({ status: 409, body: { code: 'notification_not_cancellable' } });
    });
  });

  describe('notifications', () => {
    it('lists newest first with a cursor that visits every notification once', async () => {
      const merchant = await stack.client.createMerchant({ name: 'Lister' });
      const ids: string[] = [];
      for (let i = 0; i < 7; i += 1) {
        const sendAt = new Date(Date.now() + 3600_000).toISOString();
        ids.push((await merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone: '+33612345678' }, body: `n${i}`, sendAt })).body.id);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await merchant.request('GET', `/v1/notifications?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        seen.push(...page.body.data.map((n: any) => n.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...ids].reverse());
      expect((await merchant.request('GET', '/v1/notifications?cursor=garbage')).body.code).toBe('invalid_cursor');
      expect((await merchant.request('GET', '/v1/notifications?status=nope')).body.code).toBe('invalid_query');
    });

    it('sends a scheduled one-off message at sendAt, and a cancelled one never', async () => {
      const sendAt = new Date(Date.now() + 2500);
      const kept = await shop.request('POST', '/v1/notifications', { channel: 'sms', to: { phone: '+33655555555' }, body: 'Your table is ready', sendAt: sendAt.toISOString() });
      const dropped = await shop.request('POST', '/v1/notifications', { channel: 'sms', to: { phone: '+33666666666' }, body: 'Never', sendAt: sendAt.toISOString() });
      expect(kept.body.status).toBe('scheduled');
      expect((await shop.request('POST', `/v1/notifications/${dropped.body.id}/cancel`)).body.status).toBe('cancelled');
      await shop.waitFor(`/v1/notifications/${kept.body.id}`, (n: any) => n.status === 'sent');
      const call = stack.twilio.sent().find((c) => c.to === '+33655555555')!;
      expect(call.at).toBeGreaterThanOrEqual(sendAt.getTime());
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(stack.twilio.calls.find((c) => c.to === '+33666666666')).toBeUndefined();
    });
  });

  describe('operations', () => {
    it('shows Bull Board at /admin/queues only to the admin, over critical, bulk, the campaign queues and dead-letter', async () => {
      const anonymous = new HeraldClient(stack.apiUrl);
      expect((await anonymous.request('GET', '/admin/queues')).status).toBe(401);
      expect((await anonymous.request('GET', '/admin/queues/api/queues')).status).toBe(401);
      const page = await anonymous.request('GET', '/admin/queues', undefined, { authorization: ADMIN });
      expect(page.status).toBe(200);
      expect(page.body).toContain('<html');
      const queues = await anonymous.request('GET', '/admin/queues/api/queues', undefined, { authorization: ADMIN });
      expect(queues.status).toBe(200);
      expect(queues.body.queues.map((q: any) => q.name).sort()).toEqual(['bulk', 'bulk-email', 'bulk-sms', 'critical', 'dead-letter']);
    });

    it('reports liveness, readiness, metrics and the OpenAPI document', async () => {
      const anonymous = new HeraldClient(stack.apiUrl);
      expect((await anonymous.request('GET', '/health/live')).body).toEqual({ status: 'ok' });
      const ready = await anonymous.request('GET', '/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.info).toEqual({ postgres: { status: 'up' }, redis: { status: 'up' } });
      const metrics = await anonymous.request('GET', '/metrics');
      expect(metrics.body).toContain('herald_http_request_duration_seconds_bucket');
      expect(metrics.body).toMatch(/herald_queue_jobs\{queue="dead-letter",state="failed"\} \d+/);
      const docs = await anonymous.request('GET', '/docs-json');
      expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/v1/orders', '/v1/orders/{id}', '/v1/notifications', '/admin/merchants']));
      expect(docs.body.paths['/v1/orders'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CreateOrderRequest' });
      expect(docs.body.components.schemas.CreateOrderRequest.properties.pickupAt).toBeDefined();
    });
  });

  // Last: it locks this client's address out of /admin.
  describe('admin brute force', () => {
    it('stops anyone guessing admin credentials: 429 too_many_failed_logins after 10 wrong ones, the right ones included', async () => {
      const anonymous = new HeraldClient(stack.apiUrl);
      // An address of its own (the API believes a loopback proxy), untouched by the wrong credentials of earlier tests.
      const guesser = { 'x-forwarded-for': '203.0.113.50' };
      const answers = [];
      for (let i = 0; i < 20; i += 1) {
        answers.push(await anonymous.request('POST', '/admin/dead-letters/redrive', {}, { ...guesser, authorization: basic('admin', `guess-${i}`) }));
      }
      expect(answers.map((answer) => answer.status)).toEqual([...Array(10).fill(401), ...Array(10).fill(429)]);
      expect(answers.at(-1)!.body.code).toBe('too_many_failed_logins');
      const locked = await anonymous.request('GET', '/admin/queues/api/queues', undefined, { ...guesser, authorization: ADMIN });
      expect([locked.status, locked.body.code]).toEqual([429, 'too_many_failed_logins']);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    });
  });
});
