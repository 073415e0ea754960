import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { HeraldClient, makeOrder } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';
import { ROOT } from '../support/test-environment';

jest.setTimeout(180_000);

/**
 * The API as an attacker meets it: built, in production mode, with a real SECRET_KEY. Every route gets tampered
 * cursors, bodies nested thousands deep, lying Content-Encodings, NUL characters and lone surrogates in stored
 * strings, absurd durations and dates, over-long strings and wrong types. Every answer must be a 4xx with a stable
 * code, within ANSWER_WITHIN_MS: never a 5xx, never a hang.
 */
const ANSWER_WITHIN_MS = 10_000;

interface Answer {
  label: string;
  status: number;
  code?: string;
  body: any;
}

/** Every answer of the file, for the closing count of 5xx and hangs. */
const answers: Answer[] = [];

interface HostileRequest {
  body?: string | Buffer;
  headers?: Record<string, string>;
  auth?: 'merchant' | 'admin' | 'none';
}

const cursorOf = (createdAt: string, id: unknown) => Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
const VALID_UUID = '8f14e45f-ceea-4e7a-9f4b-8d1e3f2a1b0c';
const NOW_ISO = '2026-11-22T10:00:00.000Z';

/** Cursors that decode, but not to a position Herald could have written (and one that does not decode at all). */
const TAMPERED_CURSORS: Record<string, string> = {
  'an id of 36 dashes': cursorOf(NOW_ISO, '-'.repeat(36)),
  'an id of 35 hex digits and a dash': cursorOf(NOW_ISO, `${'a'.repeat(35)}-`),
  'an id of 35 hex digits in uuid groups': cursorOf(NOW_ISO, VALID_UUID.slice(0, 35)),
  'an id that is a number': cursorOf(NOW_ISO, 12345),
  'a date of 5000 BC': cursorOf(new Date(Date.UTC(-5000, 0, 1)).toISOString(), VALID_UUID),
  'a date in year 275760': cursorOf('+275760-09-13T00:00:00.000Z', VALID_UUID),
  'a date that is not one': cursorOf('yesterday', VALID_UUID),
  'garbage base64': randomBytes(48).toString('base64url'),
  'not base64 at all': '!!!***',
  'JSON that is not a pair': Buffer.from(JSON.stringify({ createdAt: NOW_ISO, id: VALID_UUID })).toString('base64url'),
  'a cursor of 10,000 characters': 'A'.repeat(10_000),
  'NUL': '\u0000',
};

const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('hostile input', () => {
  let stack: HeraldStack;
  let merchant: HeraldClient & { merchantId: string };
  let ids: { order: string; notification: string; customer: string; campaign: string };

  const basic = `Basic ${Buffer.from(`${HeraldClient.admin.user}:${HeraldClient.admin.password}`).toString('base64')}`;

  /** One request with a raw body; an answer slower than ANSWER_WITHIN_MS is recorded as a hang (status 0). */
  async function send(method: string, path: string, request: HostileRequest = {}): Promise<Answer> {
    const auth = request.auth ?? (path.startsWith('/admin') ? 'admin' : 'merchant');
    const headers: Record<string, string> = {
      ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(auth === 'merchant' ? { authorization: `Bearer ${merchant.apiKey}` } : auth === 'admin' ? { authorization: basic } : {}),
      ...request.headers,
    };
    const label = `${method} ${path.slice(0, 120)}`;
    let answer: Answer;
    try {
      const response = await fetch(`${stack.apiUrl}${path}`, { method, headers, body: request.body, signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
      // The event stream answers 200 and stays open: its headers are the answer.
      const text = response.headers.get('content-type')?.startsWith('text/event-stream') ? (await response.body?.cancel(), '') : await response.text();
      let body: any = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // not JSON
      }
      answer = { label, status: response.status, code: body?.code, body };
    } catch (error) {
      answer = { label, status: 0, body: String(error) };
    }
    answers.push(answer);
    return answer;
  }
  const json = (value: unknown) => JSON.stringify(value);

  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: { NODE_ENV: 'production', SECRET_KEY: randomBytes(32).toString('base64') } });
    merchant = await stack.client.createMerchant({ name: 'Hostile Bakery' });
    const order = await merchant.request('POST', '/v1/orders', makeOrder({ customer: { name: 'Ada', phone: '+33612345678', email: 'ada@example.com' } }));
    expect(order.status).toBe(201);
    const notification = await merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone: '+33612345678' }, body: 'hello', sendAt: new Date(Date.now() + 86400_000).toISOString() });
    expect(notification.status).toBe(201);
    const campaign = await merchant.request('POST', '/v1/campaigns', {
      name: 'Later',
      body: 'Closed on Monday',
      audience: { customerIds: [order.body.customer.id] },
      sendAt: new Date(Date.now() + 86400_000).toISOString(),
    });
    expect(campaign.status).toBe(202);
    ids = { order: order.body.id, notification: notification.body.id, customer: order.body.customer.id, campaign: campaign.body.id };
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Every route the API serves, with ids that exist; `body` marks the routes that read one. */
  const routes = (): { method: string; path: string; body?: boolean }[] => [
    { method: 'POST', path: '/admin/merchants', body: true },
    { method: 'POST', path: '/admin/dead-letters/redrive', body: true },
    { method: 'GET', path: '/admin/merchants' },
    { method: 'POST', path: `/admin/merchants/${randomUUID()}/disable` },
    { method: 'POST', path: `/admin/merchants/${randomUUID()}/enable` },
    { method: 'GET', path: '/admin/audit' },
    { method: 'GET', path: '/v1/orders' },
    { method: 'GET', path: '/v1/customers' },
    { method: 'POST', path: '/v1/customers', body: true },
    { method: 'GET', path: '/v1/api-keys' },
    { method: 'POST', path: '/v1/api-keys', body: true },
    { method: 'DELETE', path: `/v1/api-keys/${randomUUID()}` },
    { method: 'POST', path: '/v1/console/session', body: true },
    { method: 'GET', path: '/v1/console/session' },
    { method: 'DELETE', path: '/v1/console/session' },
    { method: 'POST', path: '/v1/orders', body: true },
    { method: 'GET', path: `/v1/orders/${ids.order}` },
    { method: 'PATCH', path: `/v1/orders/${ids.order}`, body: true },
    { method: 'POST', path: `/v1/orders/${randomUUID()}/cancel` },
    { method: 'POST', path: '/v1/notifications', body: true },
    { method: 'GET', path: '/v1/notifications' },
    { method: 'GET', path: `/v1/notifications/${ids.notification}` },
    { method: 'POST', path: `/v1/notifications/${randomUUID()}/cancel` },
    { method: 'GET', path: '/v1/merchant' },
    { method: 'PATCH', path: '/v1/merchant', body: true },
    { method: 'GET', path: `/v1/customers/${ids.customer}` },
    { method: 'PATCH', path: `/v1/customers/${ids.customer}`, body: true },
    // Another id than the customer the other routes use: it must stay, not be erased.
    { method: 'DELETE', path: `/v1/customers/${randomUUID()}` },
    { method: 'GET', path: `/v1/erasures/${randomUUID()}` },
    { method: 'POST', path: '/v1/campaigns', body: true },
    { method: 'GET', path: '/v1/campaigns' },
    { method: 'GET', path: `/v1/campaigns/${ids.campaign}` },
    { method: 'POST', path: `/v1/campaigns/${randomUUID()}/cancel` },
    { method: 'GET', path: '/v1/templates' },
    { method: 'GET', path: '/v1/templates/defaults' },
    { method: 'POST', path: '/v1/templates/preview', body: true },
    { method: 'GET', path: '/v1/templates/reminder/fr' },
    { method: 'PUT', path: '/v1/templates/reminder/fr', body: true },
    { method: 'DELETE', path: '/v1/templates/reminder/de' },
    { method: 'GET', path: '/v1/events' },
    { method: 'POST', path: '/v1/events/stream-tokens', body: true },
    { method: 'GET', path: '/v1/exports/settings' },
    { method: 'PUT', path: '/v1/exports/settings', body: true },
    { method: 'GET', path: '/v1/exports' },
    { method: 'GET', path: '/v1/exports/2026-11-21.csv' },
    { method: 'POST', path: '/v1/exports/2026-11-21/resend' },
    { method: 'PUT', path: '/v1/webhook-endpoint', body: true },
    { method: 'GET', path: '/v1/webhook-endpoint' },
    { method: 'GET', path: '/v1/webhook-endpoint/deliveries' },
    { method: 'POST', path: '/webhooks/twilio/status', body: true },
    { method: 'POST', path: '/webhooks/twilio/inbound', body: true },
    { method: 'POST', path: '/webhooks/sendgrid/events', body: true },
    { method: 'GET', path: '/health/live' },
    { method: 'GET', path: '/metrics' },
  ];

  describe('tampered list cursors answer 400 invalid_cursor', () => {
    const lists = [
      ['/v1/notifications', 'cursor'],
      ['/v1/campaigns', 'cursor'],
      ['/v1/webhook-endpoint/deliveries', 'cursor'],
      ['/v1/events', 'after'],
      ['/v1/orders', 'cursor'],
      ['/v1/customers', 'cursor'],
      ['/admin/merchants', 'cursor'],
      ['/admin/audit', 'cursor'],
    ];
    it.each(lists)('%s', async (path, parameter) => {
      for (const [what, cursor] of Object.entries(TAMPERED_CURSORS)) {
        const answer = await send('GET', `${path}?${parameter}=${encodeURIComponent(cursor)}`);
        expect({ what, status: answer.status, code: answer.code }).toEqual({ what, status: 400, code: 'invalid_cursor' });
      }
    });

    it('and a cursor the API gave still reads the next page', async () => {
      await merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone: '+33612345678' }, body: 'again', sendAt: new Date(Date.now() + 86400_000).toISOString() });
      const first = await send('GET', '/v1/notifications?limit=1');
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await send('GET', `/v1/notifications?limit=1&cursor=${first.body.nextCursor}`);
      expect(second.status).toBe(200);
      expect(second.body.data[0].id).not.toBe(first.body.data[0].id);
    });
  });

  describe('bodies nested too deep answer 400 body_too_deep, on every route, with an Idempotency-Key', () => {
    it.each([
      ['an object 10,000 deep', deepObject(10_000)],
      ['an array 40,000 deep', deepArray(40_000)],
      ['an array 40,000 deep in reference', `{"reference":${deepArray(40_000)}}`],
      ['an object 33 deep', deepObject(33)],
    ])('%s', async (_what, body) => {
      // fetch sends no body with a GET.
      for (const route of routes().filter((r) => r.method !== 'GET')) {
        const answer = await send(route.method, route.path, { body, headers: { 'idempotency-key': `deep-${randomUUID()}` } });
        expect({ route: answer.label, status: answer.status, code: answer.code }).toEqual({ route: answer.label, status: 400, code: 'body_too_deep' });
      }
    });

    it('while a body 32 deep is read as usual', async () => {
      const answer = await send('POST', '/v1/orders', { body: json({ ...makeOrder(), extra: JSON.parse(deepObject(30)) }) });
      expect(answer).toMatchObject({ status: 400, code: 'validation_failed' });
      expect(answer.body.message).toContain('extra');
    });
  });

  describe('Content-Encoding', () => {
    it('a body said to be gzip or deflate that is not answers 400 invalid_content_encoding on every route with a body', async () => {
      for (const route of routes().filter((r) => r.body)) {
        for (const encoding of ['gzip', 'deflate', 'br']) {
          const answer = await send(route.method, route.path, { body: json(makeOrder()), headers: { 'content-encoding': encoding, 'idempotency-key': randomUUID() } });
          expect({ route: answer.label, encoding, status: answer.status, code: answer.code }).toEqual({ route: answer.label, encoding, status: 400, code: 'invalid_content_encoding' });
        }
      }
    });

    it('an unknown encoding answers 415 unsupported_encoding', async () => {
      for (const route of routes().filter((r) => r.body)) {
        const answer = await send(route.method, route.path, { body: json({}), headers: { 'content-encoding': 'snappy' } });
        expect({ route: answer.label, status: answer.status, code: answer.code }).toEqual({ route: answer.label, status: 415, code: 'unsupported_encoding' });
      }
    });

    it('a body that really is gzip is read', async () => {
      const answer = await send('POST', '/v1/orders', { body: gzipSync(json(makeOrder())), headers: { 'content-encoding': 'gzip' } });
      expect(answer.status).toBe(201);
    });
  });

  describe('language tags Intl cannot read (ab-12, fr-de-de) answer 400 validation_failed naming the field', () => {
    // They look like tags, but formatting a date in one throws: a preview answered 500 and a customer's sends failed.
    const pickupAt = () => new Date(Date.now() + 3 * 3600_000).toISOString();
    const cases = (tag: string): [string, string, string, unknown][] => [
      ['POST', '/v1/templates/preview', 'locale', { kind: 'reminder', locale: tag, channel: 'sms', body: 'hi {{pickupWhen}}' }],
      ['POST', '/v1/notifications', 'locale', { channel: 'sms', to: { phone: '+33612345678' }, template: { name: 'order_confirmation', reference: 'A-1', pickupAt: pickupAt() }, locale: tag }],
      ['POST', '/v1/orders', 'customer.locale', makeOrder({ customer: { name: 'Ada', phone: '+33612345678', locale: tag } })],
      ['POST', '/v1/customers', 'locale', { phone: '+33699000002', locale: tag }],
      ['PATCH', `/v1/customers/${ids.customer}`, 'locale', { locale: tag }],
      ['PATCH', '/v1/merchant', 'defaultLocale', { defaultLocale: tag }],
      ['PUT', `/v1/templates/reminder/${tag}`, '', { body: 'Hello' }],
    ];

    it.each([['ab-12'], ['fr-de-de'], ['qqq-abcdefgh-abcdefgh']])('%s', async (tag) => {
      for (const [method, path, field, body] of cases(tag)) {
        const answer = await send(method, path, { body: json(body), headers: method === 'POST' ? { 'idempotency-key': randomUUID() } : {} });
        expect({ path, field, status: answer.status, code: answer.code }).toEqual({ path, field, status: 400, code: 'validation_failed' });
        if (field) expect(answer.body.details.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
      }
    });
  });

  describe('strings Postgres cannot store answer 400 validation_failed naming the field', () => {
    const pickupAt = () => new Date(Date.now() + 3 * 3600_000).toISOString();
    const cases = (bad: string): [string, string, string, unknown][] => [
      ['POST', '/v1/orders', 'reference', makeOrder({ reference: `A-${bad}-1` })],
      ['POST', '/v1/orders', 'customer.name', makeOrder({ customer: { name: `Ada${bad}`, phone: '+33612345678' } })],
      ['POST', '/v1/notifications', 'body', { channel: 'sms', to: { phone: '+33612345678' }, body: `hello${bad}` }],
      ['POST', '/v1/notifications', 'template.customerName', { channel: 'sms', to: { phone: '+33612345678' }, template: { name: 'order_confirmation', reference: 'A-1', pickupAt: pickupAt(), customerName: `x${bad}` } }],
      ['PATCH', '/v1/merchant', 'name', { name: `Lune${bad}` }],
      ['PATCH', '/v1/merchant', 'emailSenderName', { emailSenderName: `Lune${bad}` }],
      ['PATCH', '/v1/merchant', 'smsFromByProvider.vonage', { smsFrom: '+33757000001', smsFromByProvider: { vonage: `+3375700${bad}0002` } }],
      ['POST', '/admin/merchants', 'name', { name: `Lune${bad}` }],
      ['PUT', '/v1/templates/reminder/fr', 'body', { body: `Bonjour ${bad}{{customerName}}` }],
      ['PUT', '/v1/templates/reminder/fr', 'subject', { channel: 'email', subject: `S${bad}`, body: 'Bonjour' }],
      ['POST', '/v1/templates/preview', 'body', { kind: 'reminder', body: `x${bad}` }],
      ['POST', '/v1/campaigns', 'name', { name: `Soldes${bad}`, body: 'Hello', audience: { all: true } }],
      ['POST', '/v1/campaigns', 'body', { name: 'Soldes', body: `Hello${bad}`, audience: { all: true } }],
      ['POST', '/v1/campaigns', 'subject', { name: 'Soldes', body: 'Hello', subject: `S${bad}`, audience: { all: true } }],
      ['PUT', '/v1/webhook-endpoint', 'url', { url: `https://shop.example.com/${bad}` }],
      ['POST', '/admin/dead-letters/redrive', 'errorCode', { errorCode: `21211${bad}` }],
      ['POST', '/v1/customers', 'name', { name: `Ada${bad}`, phone: '+33699000001' }],
      ['PATCH', `/v1/customers/${ids.customer}`, 'name', { name: `Ada${bad}` }],
      ['POST', '/v1/api-keys', 'name', { name: `Dashboard${bad}`, scope: 'read' }],
    ];

    it.each([
      ['NUL', '\u0000'],
      ['a lone high surrogate', '\ud800'],
      ['a lone low surrogate', '\udfff'],
    ])('%s', async (_what, bad) => {
      for (const [method, path, field, body] of cases(bad)) {
        // JSON.stringify writes lone surrogates as \uXXXX escapes, as an attacker's client would.
        const answer = await send(method, path, { body: json(body), headers: method === 'POST' ? { 'idempotency-key': randomUUID() } : {} });
        expect({ path, field, status: answer.status, code: answer.code }).toEqual({ path, field, status: 400, code: 'validation_failed' });
        expect(answer.body.details.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
      }
    });

    it('in a query and in an object key too', async () => {
      expect(await send('GET', '/v1/notifications?status=%00')).toMatchObject({ status: 400 });
      expect(await send('GET', '/v1/templates?locale=fr%00')).toMatchObject({ status: 400 });
      const key = await send('POST', '/v1/orders', { body: json({ ...makeOrder(), 'ref\u0000': 1 }) });
      expect(key).toMatchObject({ status: 400, code: 'validation_failed' });
    });

    it('and a paired surrogate (an emoji) is stored as it was sent', async () => {
      const answer = await send('POST', '/v1/orders', { body: json(makeOrder({ customer: { name: 'Ada 🥐', phone: '+33612345678' } })) });
      expect(answer.status).toBe(201);
      expect(answer.body.customer.name).toBe('Ada 🥐');
    });
  });

  describe('stream tokens and key scopes that are not Herald’s answer 4xx with a code', () => {
    it('a forged, truncated, old-format or hostile stream token answers 401 invalid_stream_token', async () => {
      const issued = await merchant.request('POST', '/v1/events/stream-tokens');
      expect(issued.status).toBe(201);
      const { token } = issued.body;
      const tokens = [
        token.slice(0, -1),
        `${token}A`,
        `${token.slice(0, 40)}${token[40] === 'A' ? 'B' : 'A'}${token.slice(41)}`,
        `st_${'A'.repeat(48)}`,
        `st_${'A'.repeat(70)}`,
        `hk_${'A'.repeat(43)}`,
        `st_${'\u0000'.repeat(70)}`,
        '',
      ];
      for (const bad of tokens) {
        const answer = await send('GET', `/v1/events/stream?token=${encodeURIComponent(bad)}`, { auth: 'none' });
        expect({ bad, status: answer.status, code: answer.code }).toEqual({ bad, status: 401, code: 'invalid_stream_token' });
      }
      const twice = await send('GET', `/v1/events/stream?token=${token}&token=${token}`, { auth: 'none' });
      expect([twice.status, twice.code]).toEqual([401, 'invalid_stream_token']);
    });

    it('a scope that is not full, read or test answers 400 validation_failed, and no key is made', async () => {
      const before = (await merchant.request('GET', '/v1/api-keys')).body.data.length;
      for (const scope of ['TEST', 'test ', 'admin', '', null, ['test'], { test: true }, 'test\u0000', 'full,test']) {
        const answer = await send('POST', '/v1/api-keys', { body: json({ name: 'Hostile', scope }), headers: { 'idempotency-key': randomUUID() } });
        expect({ scope, status: answer.status, code: answer.code }).toEqual({ scope, status: 400, code: 'validation_failed' });
      }
      expect((await merchant.request('GET', '/v1/api-keys')).body.data).toHaveLength(before);
    });
  });

  describe('durations and dates are bounded where they are parsed', () => {
    it('reminderBefore longer than MAX_SCHEDULE_AHEAD on an order answers 422 schedule_too_far_ahead', async () => {
      for (const lead of ['P7000Y', 'P2Y', 'P99999999999999999999Y', 'PT99999999999999999999H', 'P400D']) {
        const created = await send('POST', '/v1/orders', { body: json(makeOrder({ reminderBefore: lead })), headers: { 'idempotency-key': randomUUID() } });
        expect({ lead, status: created.status, code: created.code, field: created.body.details?.field }).toEqual({ lead, status: 422, code: 'schedule_too_far_ahead', field: 'reminderBefore' });
        const patched = await send('PATCH', `/v1/orders/${ids.order}`, { body: json({ reminderBefore: lead }) });
        expect({ lead, status: patched.status, code: patched.code }).toEqual({ lead, status: 422, code: 'schedule_too_far_ahead' });
      }
    });

    it('a merchant reminder policy longer than MAX_SCHEDULE_AHEAD answers 400 invalid_reminder_policy, and orders keep working', async () => {
      const shop = await stack.client.createMerchant({ name: 'Policy shop' });
      for (const before of ['P7000Y', 'P2Y', 'P99999999999999999999Y']) {
        const patched = await shop.request('PATCH', '/v1/merchant', { reminderPolicy: { before } });
        expect({ before, status: patched.status, code: patched.body.code }).toEqual({ before, status: 400, code: 'invalid_reminder_policy' });
      }
      expect((await shop.request('GET', '/v1/merchant')).body.reminderPolicy).toEqual({ before: 'P1D' });
      const { reminderBefore: _none, ...order } = makeOrder();
      expect((await shop.request('POST', '/v1/orders', order)).status).toBe(201);

      const admin = await send('POST', '/admin/merchants', { body: json({ name: 'Far', defaultReminderBefore: 'P7000Y' }) });
      expect(admin).toMatchObject({ status: 400, code: 'invalid_reminder_policy' });
    });

    it('a merchant retention past P3Y, however far, answers 422 retention_out_of_range, and the merchant keeps its retention', async () => {
      const shop = await stack.client.createMerchant({ name: 'Retention shop' });
      for (const retention of ['P7000Y', 'P99999999999999999999Y', 'PT99999999999999999999H', 'P1e9D']) {
        const patched = await shop.request('PATCH', '/v1/merchant', { retention });
        expect({ retention, status: patched.status, code: patched.body.code }).toEqual({
          retention,
          status: retention === 'P1e9D' ? 400 : 422,
          code: retention === 'P1e9D' ? 'invalid_retention' : 'retention_out_of_range',
        });
      }
      expect((await shop.request('GET', '/v1/merchant')).body).toMatchObject({ retention: 'P90D' });
    });

    it('instants outside what can be stored answer 400 validation_failed', async () => {
      for (const instant of ['0000-01-01T00:00:00Z', '-005000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '2026-02-30T10:00:00Z', '2026-11-22T25:00:00Z']) {
        const order = await send('POST', '/v1/orders', { body: json(makeOrder({ pickupAt: instant })) });
        expect({ instant, status: order.status, code: order.code }).toEqual({ instant, status: 400, code: 'validation_failed' });
        const redrive = await send('POST', '/admin/dead-letters/redrive', { body: json({ since: instant }) });
        expect({ instant, status: redrive.status, code: redrive.code }).toEqual({ instant, status: 400, code: 'validation_failed' });
      }
      expect(await send('POST', '/v1/orders', { body: json(makeOrder({ pickupAt: '0001-01-01T00:00:00Z' })) })).toMatchObject({ status: 422, code: 'pickup_at_in_past' });
      expect(await send('POST', '/v1/orders', { body: json(makeOrder({ pickupAt: '9999-12-31T23:59:59Z' })) })).toMatchObject({ status: 422, code: 'schedule_too_far_ahead' });
    });

    it('export days outside the calendar answer 400 invalid_day', async () => {
      for (const day of ['0000-01-01', '2026-02-30', '99999-01-01', '2026-1-1']) {
        expect(await send('GET', `/v1/exports/${day}.csv`)).toMatchObject({ status: 400, code: 'invalid_day' });
        expect(await send('POST', `/v1/exports/${day}/resend`)).toMatchObject({ status: 400, code: 'invalid_day' });
        expect((await send('GET', `/v1/exports?before=${day}`)).status).toBe(400);
      }
    });
  });

  describe('over-long strings and wrong types', () => {
    it.each([
      ['POST', '/v1/orders', makeOrder({ reference: 'x'.repeat(101) }), 'validation_failed'],
      ['POST', '/v1/orders', makeOrder({ reference: 123 }), 'validation_failed'],
      ['POST', '/v1/orders', makeOrder({ pickupAt: {} }), 'validation_failed'],
      ['POST', '/v1/orders', makeOrder({ channels: 'sms' }), 'validation_failed'],
      ['POST', '/v1/orders', makeOrder({ customer: [] }), 'validation_failed'],
      ['POST', '/v1/orders', makeOrder({ reminderBefore: 7 }), 'validation_failed'],
      ['POST', '/v1/notifications', { channel: 'sms', to: { phone: '+33612345678' }, body: 'x'.repeat(1601) }, 'validation_failed'],
      ['POST', '/v1/notifications', { channel: 'pigeon', to: 'me', body: true }, 'validation_failed'],
      ['PATCH', '/v1/merchant', { name: 'x'.repeat(201) }, 'validation_failed'],
      ['PATCH', '/v1/merchant', { reminderPolicy: { daysBefore: '1', at: 10 } }, 'invalid_reminder_policy'],
      ['PATCH', '/v1/merchant', { quietHours: 5 }, 'invalid_quiet_hours'],
      ['PATCH', '/v1/merchant', { timezone: ['Europe/Paris'] }, 'invalid_timezone'],
      ['PATCH', '/v1/merchant', { retention: 90 }, 'invalid_retention'],
      ['PATCH', '/v1/merchant', { retention: `P${'9'.repeat(10_000)}D` }, 'invalid_retention'],
      ['PATCH', '/v1/merchant', { frequencyCaps: { perDay: '2', perWeek: 1e300 } }, 'invalid_frequency_caps'],
      ['PATCH', '/v1/merchant', { frequencyCaps: { perDay: -1, perWeek: null, perMonth: 9 } }, 'invalid_frequency_caps'],
      ['PUT', '/v1/templates/reminder/fr', { body: 'x'.repeat(10_001) }, 'validation_failed'],
      ['POST', '/v1/campaigns', { name: 'x'.repeat(201), body: 'Hello', audience: { all: true } }, 'validation_failed'],
      ['POST', '/v1/campaigns', { name: 'Soldes', body: 'Hello', audience: { customerIds: 'everyone' } }, 'validation_failed'],
      ['PUT', '/v1/webhook-endpoint', { url: `https://shop.example.com/${'x'.repeat(2000)}` }, 'validation_failed'],
      ['PUT', '/v1/exports/settings', { enabled: 'yes', recipients: 'a@b.c', localTime: 700 }, 'validation_failed'],
      ['POST', '/admin/dead-letters/redrive', { limit: 1e309 }, 'validation_failed'],
      ['POST', '/v1/orders', 'null', 'malformed_json'],
      ['POST', '/v1/orders', '"A-1042"', 'malformed_json'],
      ['POST', '/v1/orders', '[]', 'validation_failed'],
      ['POST', '/v1/orders', '{"reference":', 'malformed_json'],
    ])('%s %s answers 400 %#', async (method, path, body, code) => {
      const answer = await send(method, path, { body: typeof body === 'string' ? body : json(body), headers: { 'idempotency-key': randomUUID() } });
      expect(answer).toMatchObject({ status: 400, code });
    });

    it('wrong shapes on every route with a body answer 4xx (or are ignored by routes that read none)', async () => {
      const everywhere = (text: string) => json({ reference: text, name: text, body: text, url: text, channel: text, to: { phone: text }, audience: { customerIds: [text] }, since: text });
      for (const route of routes().filter((r) => r.method !== 'GET')) {
        for (const body of ['[]', '{}', '[{"a":[{"b":[]}]}]', json({ x: 1 }), everywhere('x'.repeat(5000)), everywhere('\u0000'), json({ reference: -1e308, name: 1e309, body: false, limit: '1' })]) {
          const answer = await send(route.method, route.path, { body, headers: { 'idempotency-key': randomUUID() } });
          expect({ route: answer.label, body: body.slice(0, 40), answered: answer.status >= 200 && answer.status < 500 }).toEqual({ route: answer.label, body: body.slice(0, 40), answered: true });
        }
      }
    });

    it('a body over BODY_LIMIT answers 413, an over-long Idempotency-Key 400', async () => {
      expect(await send('POST', '/v1/orders', { body: json(makeOrder({ reference: 'x'.repeat(200_000) })) })).toMatchObject({ status: 413, code: 'payload_too_large' });
      expect(await send('POST', '/v1/orders', { body: json(makeOrder()), headers: { 'idempotency-key': 'k'.repeat(256) } })).toMatchObject({ status: 400, code: 'invalid_idempotency_key' });
    });

    it('hostile queries on every list answer 4xx', async () => {
      for (const route of routes().filter((r) => r.method === 'GET')) {
        for (const query of ['limit=1e309', 'limit=-1', 'limit=%00', 'cursor=%00', `cursor=${'A'.repeat(10_000)}`, 'status[]=sent', 'x=%ud800']) {
          const answer = await send('GET', `${route.path}?${query}`);
          expect({ route: answer.label, ok: answer.status >= 400 && answer.status < 500 || answer.status === 200 }).toEqual({ route: answer.label, ok: true });
        }
      }
    });
  });

  describe('console session cookies', () => {
    const TAMPERED_SESSIONS: Record<string, string> = {
      'an unknown id of the right shape': randomBytes(32).toString('base64url'),
      'garbage': '!!!***',
      'NUL': '%00',
      'an id of 10,000 characters': 'A'.repeat(10_000),
      'SQL': "' OR 1=1 --",
      'empty': '',
    };

    it('a cookie that is not a live session answers 401 console_session_ended on every merchant route, and signs nobody in', async () => {
      for (const [what, value] of Object.entries(TAMPERED_SESSIONS)) {
        for (const path of ['/v1/merchant', '/v1/console/session', '/v1/orders']) {
          const answer = await send('GET', path, { auth: 'none', headers: { cookie: `herald_console=${value}` } });
          expect({ what, path, status: answer.status, code: answer.code }).toEqual({ what, path, status: 401, code: 'console_session_ended' });
        }
      }
      const ended = await send('POST', '/v1/console/session', { auth: 'none', headers: { cookie: `herald_console=${TAMPERED_SESSIONS.garbage}` } });
      expect(ended).toMatchObject({ status: 401, code: 'console_session_ended' });
    });

    it('a session cannot make another session: signing in takes the key', async () => {
      const signedIn = await fetch(`${stack.apiUrl}/v1/console/session`, { method: 'POST', headers: { authorization: `Bearer ${merchant.apiKey}` } });
      const cookie = signedIn.headers.get('set-cookie')!.split(';')[0];
      expect(await send('POST', '/v1/console/session', { auth: 'none', headers: { cookie, origin: stack.apiUrl } })).toMatchObject({ status: 401, code: 'missing_api_key' });
      expect(await send('GET', '/v1/console/session', { auth: 'none', headers: { cookie } })).toMatchObject({ status: 200 });
    });
  });

  describe('the console’s files', () => {
    /** A GET sent as written: no client normalises its dot segments or escapes. */
    function sendRaw(path: string): Promise<Answer> {
      const label = `GET ${path.slice(0, 120)}`;
      return new Promise<Answer>((resolve) => {
        const request = httpGet(`${stack.apiUrl}/`, { path, timeout: ANSWER_WITHIN_MS }, (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => {
            let body: any = text;
            try {
              body = JSON.parse(text);
            } catch {
              // not JSON: a file, or the console's page
            }
            resolve({ label, status: response.statusCode ?? 0, code: body?.code, body });
          });
        });
        request.on('timeout', () => request.destroy(new Error('timeout')));
        request.on('error', (error) => resolve({ label, status: 0, body: String(error) }));
      }).then((answer) => (answers.push(answer), answer));
    }

    const PACKAGE_JSON = readFileSync(join(ROOT, 'package.json'), 'utf8');
    /** Each path, and what it must answer: 404 where no page or file can be, 400 where the path itself is malformed. */
    const HOSTILE_PATHS: [string, 400 | 404][] = [
      ['/console/..%2f..%2fpackage.json', 404],
      ['/console/..%2f..%2f..%2fpackage.json', 404],
      ['/console/..%2F..%2F..%2Fpackage.json', 404],
      ['/console/%2e%2e/%2e%2e/%2e%2e/package.json', 404],
      ['/console/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json', 404],
      ['/console/..%5c..%5c..%5cpackage.json', 404],
      ['/console/../../../package.json', 404],
      ['/console/./index.html', 404],
      ['/console/assets/..%2f..%2f..%2f..%2fpackage.json', 404],
      ['/console/assets/../../../../package.json', 404],
      ['/console/assets/..%2f..%2f..%2fapi%2fmain.js', 404],
      ['/console/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd', 404],
      ['/console/%00', 400],
      ['/console/index.html%00', 400],
      ['/console/index.html%00.js', 400],
      ['/console/assets/%00.js', 400],
      ['/console/orders%0d%0aSet-Cookie:%20a=b', 400],
      ['/console/%ff', 400],
      ['/console/%', 400],
      ['/console/%E0%A4%A', 400],
      [`/console/${'a'.repeat(8_000)}`, 404],
      [`/console/assets/${'a'.repeat(8_000)}.js`, 404],
      [`/console/${'..%2f'.repeat(1_500)}package.json`, 404],
      [`/console/${'a/'.repeat(4_000)}`, 404],
    ];

    it('a path out of the build directory, a NUL, a bad escape or a very long path answers 400 or 404 with a code, never a file or the page', async () => {
      for (const [path, status] of HOSTILE_PATHS) {
        const answer = await sendRaw(path);
        const expected = { statusCode: status, code: status === 400 ? 'bad_request' : 'route_not_found' };
        expect({ path: answer.label, status: answer.status, body: answer.body }).toEqual({ path: answer.label, status, body: expect.objectContaining(expected) });
        expect(JSON.stringify(answer.body)).not.toContain(PACKAGE_JSON.slice(0, 40));
      }
    });

    it('while its page, its routes and its files are served as before', async () => {
      for (const path of ['/console', '/console/', '/console/orders', `/console/customers/${ids.customer}`, '/console/no-such-section']) {
        const answer = await sendRaw(path);
        expect({ path, status: answer.status, page: String(answer.body).startsWith('<!doctype html>') }).toEqual({ path, status: 200, page: true });
      }
      const script = /src="\/console(\/assets\/[^"]+\.js)"/.exec((await sendRaw('/console/')).body)![1];
      expect(await sendRaw(`/console${script}`)).toMatchObject({ status: 200 });
      expect(await sendRaw('/console/herald.svg')).toMatchObject({ status: 200 });
    });
  });

  describe('campaign audiences', () => {
    it('the documented maximum of 10,000 customerIds fits the route’s body limit; one more is refused by name', async () => {
      const shop = await stack.client.createMerchant({ name: 'Big audience' });
      const rows = await stack.environment.query<{ id: string }>(
        `INSERT INTO customers (id, merchant_id, name, phone, locale, created_at)
         SELECT gen_random_uuid(), $1, 'C' || g, '+3361' || lpad(g::text, 7, '0'), 'en', now() FROM generate_series(1, 10000) g RETURNING id`,
        [shop.merchantId],
      );
      const customerIds = rows.map((row) => row.id);
      const body = { name: 'Everyone listed', body: 'Closed on Monday', audience: { customerIds }, sendAt: new Date(Date.now() + 86400_000).toISOString() };
      expect(Buffer.byteLength(json(body))).toBeGreaterThan(380_000);

      // Pretty-printed, as a script might send it: about 430 KB.
      const created = await shop.request('POST', '/v1/campaigns', JSON.stringify(body, null, 2), { 'idempotency-key': randomUUID() });
      expect(created.status).toBe(202);
      expect(created.body.audience.customerIds).toHaveLength(10_000);
      // Sent tomorrow: cancelled now, so its sends never load the shared machine.
      expect((await shop.request('POST', `/v1/campaigns/${created.body.id}/cancel`)).status).toBeLessThan(300);

      const tooMany = await shop.request('POST', '/v1/campaigns', { ...body, audience: { customerIds: [...customerIds, randomUUID()] } });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.code).toBe('validation_failed');
      expect(tooMany.body.details.issues[0].path).toBe('audience.customerIds');

      // Other routes keep BODY_LIMIT.
      expect(await send('POST', '/v1/orders', { body: json(makeOrder({ customerIds })) })).toMatchObject({ status: 413, code: 'payload_too_large' });
    });
  });

  it('no answer of this file was a 5xx or a hang', async () => {
    expect(answers.length).toBeGreaterThan(550);
    const failures = answers.filter((a) => a.status === 0 || a.status >= 500).map((a) => `${a.label} → ${a.status} ${JSON.stringify(a.body).slice(0, 200)}`);
    expect(failures).toEqual([]);
    // The API is still up and answering.
    expect((await send('GET', '/v1/merchant')).status).toBe(200);
  });
});
