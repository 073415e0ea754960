import { API_KEY_CACHE_TTL_MS, generateApiKey, hashApiKey } from '@herald/merchants';
import { DatabaseBeforeMigration } from '../support/database-before-migration';
import { EventStreamClient } from '../support/event-stream-client';
import { HeraldClient, makeOrder } from '../support/herald-client';
import { HeraldProcess, startApi } from '../support/herald-process';
import { HeraldStack, startStack } from '../support/herald-stack';

jest.setTimeout(90_000);

const ADMIN = { authorization: `Basic ${Buffer.from(`${HeraldClient.admin.user}:${HeraldClient.admin.password}`).toString('base64')}` };

describe('API keys', () => {
  let stack: HeraldStack;
  let secondApi: HeraldProcess;
  let secondUrl: string;

  beforeAll(async () => {
    // The first API process checks its streams' keys only at its heartbeat, once a minute: a stream it ends sooner was
    // ended by the revocation's signal. The second checks every second (the safety net when a signal is lost).
    stack = await startStack({ workers: 0, env: { SSE_HEARTBEAT: 'PT1M' } });
    ({ process: secondApi, url: secondUrl } = await startApi({ ...stack.environment.env, SSE_HEARTBEAT: 'PT1S' }));
  });
  afterAll(async () => {
    await secondApi?.kill();
    await stack?.stop();
  });

  /**
   * Polls GET `path` until it answers `status` (and `code`), for at most `withinMs`: well under API_KEY_CACHE_TTL_MS, so
   * an answer in time came from the change's signal, not from the remembered key expiring.
   */
  const answers = async (client: HeraldClient, path: string, status: number, code?: string, withinMs = 1_000) => {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const { status: got, body } = await client.request('GET', path);
      if (got === status && (code === undefined || body.code === code)) return body;
      if (Date.now() > deadline) throw new Error(`GET ${path} answered ${got} ${JSON.stringify(body)} after ${withinMs} ms, not ${status} ${code ?? ''}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  const keysOf = async (client: HeraldClient) => {
    const { status, body } = await client.request('GET', '/v1/api-keys');
    expect(status).toBe(200);
    return body.data as Array<Record<string, any>>;
  };

  it('makes a key shown once, lists every key without the key itself, with the merchant’s first key as `initial`', async () => {
    const shop = await stack.client.createMerchant();
    const [initial] = await keysOf(shop);
    expect(Object.keys(initial).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'prefix', 'scope']);
    expect(initial).toMatchObject({ name: 'initial', scope: 'full', prefix: shop.apiKey!.slice(0, 9) });

    const created = await shop.request('POST', '/v1/api-keys', { name: 'Back office', scope: 'full' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Back office',
      scope: 'full',
      prefix: created.body.apiKey.slice(0, 9),
      createdAt: expect.any(String),
      lastUsedAt: null,
      apiKey: expect.stringMatching(/^hk_[A-Za-z0-9_-]{43}$/),
    });
    const backOffice = shop.withKey(created.body.apiKey);
    expect((await backOffice.request('POST', '/v1/orders', makeOrder())).status).toBe(201);

    const listed = await keysOf(backOffice);
    expect(listed.map((k) => [k.name, k.scope])).toEqual([
      ['initial', 'full'],
      ['Back office', 'full'],
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.body.apiKey);
    expect(JSON.stringify(listed)).not.toContain(shop.apiKey);
    // Only the hash is stored.
    const stored = await stack.environment.query<{ key_hash: string }>(`SELECT key_hash FROM api_keys WHERE id = $1`, [created.body.id]);
    expect(stored[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await stack.environment.query(`SELECT * FROM api_keys`))).not.toContain(created.body.apiKey);
  });

  it('lets a read key read (GET routes, the event stream, stream tokens) and refuses it anything else with 403 insufficient_scope', async () => {
    const shop = await stack.client.createMerchant();
    const order = await shop.request('POST', '/v1/orders', makeOrder());
    expect(order.status).toBe(201);
    const created = await shop.request('POST', '/v1/api-keys', { name: 'Dashboard', scope: 'read' });
    expect([created.status, created.body.scope]).toEqual([201, 'read']);
    const dashboard = shop.withKey(created.body.apiKey);

    for (const path of ['/v1/orders', `/v1/orders/${order.body.id}`, '/v1/notifications', '/v1/customers', '/v1/merchant', '/v1/api-keys', '/v1/events']) {
      expect([path, (await dashboard.request('GET', path)).status]).toEqual([path, 200]);
    }
    expect((await dashboard.request('GET', `/v1/orders/${order.body.id}`)).body.id).toBe(order.body.id);
    const token = await dashboard.request('POST', '/v1/events/stream-tokens');
    expect([token.status, typeof token.body.token]).toEqual([201, 'string']);
    const abort = new AbortController();
    const stream = await fetch(`${stack.apiUrl}/v1/events/stream`, { headers: { authorization: `Bearer ${dashboard.apiKey}` }, signal: abort.signal });
    expect([stream.status, stream.headers.get('content-type')]).toEqual([200, expect.stringContaining('text/event-stream')]);
    abort.abort();

    const writes: Array<[string, string, unknown?]> = [
      ['POST', '/v1/orders', makeOrder()],
      ['PATCH', `/v1/orders/${order.body.id}`, { customer: { name: 'Someone else' } }],
      ['POST', `/v1/orders/${order.body.id}/cancel`],
      ['POST', '/v1/notifications', { channel: 'sms', to: { phone: '+33612345678' }, body: 'Hello' }],
      ['POST', '/v1/customers', { name: 'Zoé', phone: '+33612345679' }],
      ['PATCH', '/v1/merchant', { name: 'Renamed' }],
      ['POST', '/v1/api-keys', { name: 'Another', scope: 'full' }],
      ['DELETE', `/v1/api-keys/${created.body.id}`],
    ];
    for (const [method, path, body] of writes) {
      const refused = await dashboard.request(method, path, body);
      expect([method, path, refused.status, refused.body.code]).toEqual([method, path, 403, 'insufficient_scope']);
    }
    // Nothing changed.
    expect((await shop.request('GET', `/v1/orders/${order.body.id}`)).body.status).toBe('active');
    expect((await shop.request('GET', '/v1/merchant')).body.name).toBe('Boulangerie Lune');
    expect(await keysOf(shop)).toHaveLength(2);
  });

  it('documents 403 insufficient_scope on every merchant route a read key may not call, and only there', async () => {
    const { body: docs } = await stack.client.request('GET', '/docs-json');
    const refusing: string[] = [];
    for (const [path, item] of Object.entries<Record<string, any>>(docs.paths)) {
      for (const [method, operation] of Object.entries<any>(item)) {
        if (operation.responses?.['403']?.content?.['application/json']?.examples?.insufficient_scope) refusing.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(refusing).toEqual(expect.arrayContaining(['POST /v1/orders', 'PATCH /v1/merchant', 'POST /v1/api-keys', 'DELETE /v1/api-keys/{id}', 'PUT /v1/exports/settings']));
    expect(refusing.filter((route) => !route.includes(' /v1/') || route === 'POST /v1/events/stream-tokens')).toEqual([]);
    // A GET refuses only a test key, on the routes that read live data (the exports).
    expect(refusing.filter((route) => route.startsWith('GET '))).toEqual(['GET /v1/exports/settings', 'GET /v1/exports', 'GET /v1/exports/{day}.csv']);
  });

  it('revokes a key at once on every API process, never the key the request is made with', async () => {
    const shop = await stack.client.createMerchant();
    const created = await shop.request('POST', '/v1/api-keys', { name: 'To revoke', scope: 'full' });
    const onFirst = shop.withKey(created.body.apiKey);
    const onSecond = new HeraldClient(secondUrl, created.body.apiKey);
    // Both processes have just authenticated it.
    expect((await onFirst.request('GET', '/v1/orders')).status).toBe(200);
    expect((await onSecond.request('GET', '/v1/orders')).status).toBe(200);

    const self = await onFirst.request('DELETE', `/v1/api-keys/${created.body.id}`);
    expect([self.status, self.body.code]).toEqual([409, 'api_key_in_use']);

    expect((await shop.request('DELETE', `/v1/api-keys/${created.body.id}`)).status).toBe(204);
    // Each process remembers the key it authenticated (ApiKeyCache): the revocation's signal makes both forget it.
    for (const client of [onFirst, onSecond]) await answers(client, '/v1/orders', 401, 'invalid_api_key');
    expect((await shop.request('GET', '/v1/orders')).status).toBe(200);
    const again = await shop.request('DELETE', `/v1/api-keys/${created.body.id}`);
    expect([again.status, again.body.code]).toEqual([404, 'api_key_not_found']);

    // The initial key may be revoked too, with another full key: the merchant rotates without an operator.
    const [initial] = await keysOf(shop);
    const rotated = await shop.request('POST', '/v1/api-keys', { name: 'Rotated', scope: 'full' });
    const next = shop.withKey(rotated.body.apiKey);
    expect((await new HeraldClient(secondUrl, shop.apiKey).request('GET', '/v1/orders')).status).toBe(200);
    expect((await next.request('DELETE', `/v1/api-keys/${initial.id}`)).status).toBe(204);
    await answers(new HeraldClient(secondUrl, shop.apiKey), '/v1/orders', 401, 'invalid_api_key');
    expect((await keysOf(next)).map((k) => k.name)).toEqual(['Rotated']);

    // Every key made or revoked is in the operators' audit log, with the merchant as the actor.
    const basic = Buffer.from(`${HeraldClient.admin.user}:${HeraldClient.admin.password}`).toString('base64');
    const audit = await stack.client.request('GET', '/admin/audit?limit=200', undefined, { authorization: `Basic ${basic}` });
    const mine = (audit.body.data as Array<Record<string, any>>).filter((entry) => entry.actor === `merchant:${shop.merchantId}`);
    expect(mine.map((entry) => [entry.action, entry.subject]).reverse()).toEqual([
      ['api_key.created', created.body.id],
      ['api_key.revoked', created.body.id],
      ['api_key.created', rotated.body.id],
      ['api_key.revoked', initial.id],
    ]);
  });

  describe('open event streams end with what opened them', () => {
    const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
    const ended = (stream: EventStreamClient, timeoutMs = 5_000) => stream.waitFor((s) => s.ended, 'end of the stream', timeoutMs);
    const closedWith = (stream: EventStreamClient) => stream.events.filter((e) => e.type === 'stream.closed').map((e) => e.data.code);

    it('ends, on every API process, the streams a revoked key opened (itself or with its stream tokens), within moments; another key’s and another merchant’s stay open', async () => {
      const shop = await stack.client.createMerchant();
      const neighbour = await stack.client.createMerchant({ name: 'Neighbour' });
      const doomed = await shop.request('POST', '/v1/api-keys', { name: 'Dashboard', scope: 'read' });
      const kept = await shop.request('POST', '/v1/api-keys', { name: 'Back office', scope: 'full' });
      const token = (await new HeraldClient(secondUrl, doomed.body.apiKey).request('POST', '/v1/events/stream-tokens')).body.token;
      const spareToken = (await shop.withKey(doomed.body.apiKey).request('POST', '/v1/events/stream-tokens')).body.token;

      // On process A (which checks keys itself only at its once-a-minute heartbeat): the doomed key's stream, and bystanders.
      const byKeyOnA = await EventStreamClient.connect(`${stack.apiUrl}/v1/events/stream`, bearer(doomed.body.apiKey));
      const byTokenOnA = await EventStreamClient.connect(`${stack.apiUrl}/v1/events/stream?token=${token}`);
      const otherKeyOnA = await EventStreamClient.connect(`${stack.apiUrl}/v1/events/stream`, bearer(kept.body.apiKey));
      const neighbourOnA = await EventStreamClient.connect(`${stack.apiUrl}/v1/events/stream`, bearer(neighbour.apiKey!));
      const byKeyOnB = await EventStreamClient.connect(`${secondUrl}/v1/events/stream`, bearer(doomed.body.apiKey));

      // Revoked through process B.
      const revokedAt = Date.now();
      expect((await new HeraldClient(secondUrl, shop.apiKey).request('DELETE', `/v1/api-keys/${doomed.body.id}`)).status).toBe(204);
      await Promise.all([ended(byKeyOnA), ended(byTokenOnA), ended(byKeyOnB)]);
      const tookMs = Date.now() - revokedAt;
      // Well within process A's own check (a minute away): the revocation's signal ended them.
      expect(tookMs).toBeLessThan(5_000);
      console.log(`streams of a revoked key ended ${tookMs} ms after the DELETE answered, on both API processes`);
      expect(closedWith(byKeyOnA)).toEqual(['invalid_api_key']);
      expect(closedWith(byTokenOnA)).toEqual(['invalid_stream_token']);
      expect(closedWith(byKeyOnB)).toEqual(['invalid_api_key']);

      // Its tokens open nothing any more, on either process; the key itself neither.
      for (const base of [stack.apiUrl, secondUrl]) {
        const refused = await EventStreamClient.open(`${base}/v1/events/stream?token=${spareToken}`);
        expect(refused).toMatchObject({ status: 401, body: { code: 'invalid_stream_token' } });
        expect(await EventStreamClient.open(`${base}/v1/events/stream`, bearer(doomed.body.apiKey))).toMatchObject({ status: 401, body: { code: 'invalid_api_key' } });
      }
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect([otherKeyOnA.ended, neighbourOnA.ended]).toEqual([false, false]);
      expect([closedWith(otherKeyOnA), closedWith(neighbourOnA)]).toEqual([[], []]);
      otherKeyOnA.close();
      neighbourOnA.close();
    });

    it('ends a disabled merchant’s streams on every API process, and no other merchant’s; enabled again, it opens streams again', async () => {
      const shop = await stack.client.createMerchant({ name: 'To disable' });
      const neighbour = await stack.client.createMerchant({ name: 'Neighbour' });
      const token = (await shop.request('POST', '/v1/events/stream-tokens')).body.token;
      const onA = await EventStreamClient.connect(`${stack.apiUrl}/v1/events/stream`, bearer(shop.apiKey!));
      const byTokenOnB = await EventStreamClient.connect(`${secondUrl}/v1/events/stream?token=${token}`);
      const neighbourOnA = await EventStreamClient.connect(`${stack.apiUrl}/v1/events/stream`, bearer(neighbour.apiKey!));

      const disabledAt = Date.now();
      expect((await new HeraldClient(secondUrl).request('POST', `/admin/merchants/${shop.merchantId}/disable`, undefined, ADMIN)).status).toBe(200);
      await Promise.all([ended(onA), ended(byTokenOnB)]);
      expect(Date.now() - disabledAt).toBeLessThan(5_000);
      expect([closedWith(onA), closedWith(byTokenOnB)]).toEqual([['merchant_disabled'], ['merchant_disabled']]);
      expect(await EventStreamClient.open(`${stack.apiUrl}/v1/events/stream?token=${token}`)).toMatchObject({ status: 401, body: { code: 'merchant_disabled' } });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(neighbourOnA.ended).toBe(false);
      neighbourOnA.close();

      expect((await stack.client.request('POST', `/admin/merchants/${shop.merchantId}/enable`, undefined, ADMIN)).status).toBe(200);
      const again = await EventStreamClient.connect(`${stack.apiUrl}/v1/events/stream?token=${token}`);
      expect(again.status).toBe(200);
      again.close();
    });

    it('ends a stream whose key disappeared without a signal at the next heartbeat check (the safety net for a lost signal)', async () => {
      const shop = await stack.client.createMerchant();
      const doomed = await shop.request('POST', '/v1/api-keys', { name: 'Dashboard', scope: 'read' });
      const onB = await EventStreamClient.connect(`${secondUrl}/v1/events/stream`, bearer(doomed.body.apiKey));
      // Straight in Postgres: no API process hears of it.
      await stack.environment.query(`DELETE FROM api_keys WHERE id = $1`, [doomed.body.id]);
      await ended(onB);
      expect(closedWith(onB)).toEqual(['invalid_api_key']);
    });
  });

  it('refuses a disabled merchant’s keys at once on every API process, and takes them again at once when it is enabled', async () => {
    const shop = await stack.client.createMerchant({ name: 'Disabled for a moment' });
    const neighbour = await stack.client.createMerchant({ name: 'Neighbour' });
    const clients = [shop, new HeraldClient(secondUrl, shop.apiKey)];
    // Both processes have just authenticated the key, and remember it.
    for (const client of clients) expect((await client.request('GET', '/v1/orders')).status).toBe(200);

    expect((await new HeraldClient(secondUrl).request('POST', `/admin/merchants/${shop.merchantId}/disable`, undefined, ADMIN)).status).toBe(200);
    for (const client of clients) await answers(client, '/v1/orders', 401, 'merchant_disabled');
    const refused = await clients[1].request('POST', '/v1/orders', makeOrder());
    expect([refused.status, refused.body.code]).toEqual([401, 'merchant_disabled']);
    expect((await neighbour.request('GET', '/v1/orders')).status).toBe(200);

    expect((await stack.client.request('POST', `/admin/merchants/${shop.merchantId}/enable`, undefined, ADMIN)).status).toBe(200);
    for (const client of clients) await answers(client, '/v1/orders', 200);
  });

  it('applies a merchant’s new settings at once on every API process', async () => {
    const shop = await stack.client.createMerchant({ timezone: 'Europe/Paris' });
    const onSecond = new HeraldClient(secondUrl, shop.apiKey);
    expect((await onSecond.request('GET', '/v1/merchant')).body.timezone).toBe('Europe/Paris');
    expect((await shop.request('PATCH', '/v1/merchant', { timezone: 'America/New_York', reminderPolicy: { before: 'PT3H' } })).status).toBe(200);
    const settings = await onSecond.waitFor('/v1/merchant', (body) => body.timezone === 'America/New_York', 1_000);
    expect(settings.reminderPolicy).toEqual({ before: 'PT3H' });
    // An order placed on the other process right away follows the new policy.
    const pickupAt = new Date(Date.now() + 24 * 3600_000);
    const order = await onSecond.request('POST', '/v1/orders', makeOrder({ pickupAt: pickupAt.toISOString(), reminderBefore: undefined }));
    expect(order.status).toBe(201);
    const reminder = order.body.notifications.find((n: { kind: string }) => n.kind === 'reminder');
    expect(Date.parse(reminder.scheduledFor)).toBe(pickupAt.getTime() - 3 * 3600_000);
  });

  it('forgets a key removed without a signal once it has been remembered API_KEY_CACHE_TTL_MS (the bound for a lost signal)', async () => {
    const shop = await stack.client.createMerchant();
    const created = await shop.request('POST', '/v1/api-keys', { name: 'Removed in Postgres', scope: 'read' });
    const onSecond = new HeraldClient(secondUrl, created.body.apiKey);
    expect((await onSecond.request('GET', '/v1/orders')).status).toBe(200);
    // Straight in Postgres: no API process hears of it.
    await stack.environment.query(`DELETE FROM api_keys WHERE id = $1`, [created.body.id]);
    await answers(onSecond, '/v1/orders', 401, 'invalid_api_key', API_KEY_CACHE_TTL_MS + 2_000);
  });

  it('records when a key was last used, at most once a minute', async () => {
    const shop = await stack.client.createMerchant();
    const created = await shop.request('POST', '/v1/api-keys', { name: 'Dashboard', scope: 'read' });
    const lastUsed = async () => (await keysOf(shop)).find((k) => k.id === created.body.id)!.lastUsedAt;
    expect(await lastUsed()).toBeNull();

    const before = Date.now();
    expect((await shop.withKey(created.body.apiKey).request('GET', '/v1/orders')).status).toBe(200);
    const deadline = Date.now() + 5_000;
    while ((await lastUsed()) === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const first = await lastUsed();
    expect(Date.parse(first) + 1000).toBeGreaterThanOrEqual(before);

    // More requests, on both processes, within the minute: the row is not written again.
    for (const client of [shop.withKey(created.body.apiKey), new HeraldClient(secondUrl, created.body.apiKey)]) {
      for (let i = 0; i < 3; i++) expect((await client.request('GET', '/v1/orders')).status).toBe(200);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await lastUsed()).toBe(first);
  });

  it('keeps each merchant’s keys its own', async () => {
    const a = await stack.client.createMerchant({ name: 'A' });
    const b = await stack.client.createMerchant({ name: 'B' });
    const ofA = await a.request('POST', '/v1/api-keys', { name: 'A’s dashboard', scope: 'read' });
    expect((await keysOf(b)).map((k) => k.name)).toEqual(['initial']);
    const refused = await b.request('DELETE', `/v1/api-keys/${ofA.body.id}`);
    expect([refused.status, refused.body.code]).toEqual([404, 'api_key_not_found']);
    expect((await a.withKey(ofA.body.apiKey).request('GET', '/v1/merchant')).body.name).toBe('A');
    expect((await keysOf(a)).map((k) => k.name)).toEqual(['initial', 'A’s dashboard']);
  });

  it('answers bad requests with their codes', async () => {
    const shop = await stack.client.createMerchant();
    for (const body of [{ name: 'Test', scope: 'sandbox' }, { name: '', scope: 'full' }, { scope: 'full' }, { name: 'x', scope: 'full', extra: 1 }]) {
      const refused = await shop.request('POST', '/v1/api-keys', body);
      expect([JSON.stringify(body), refused.status, refused.body.code]).toEqual([JSON.stringify(body), 400, 'validation_failed']);
    }
    expect((await shop.request('POST', '/v1/api-keys', '{"name":')).body.code).toBe('malformed_json');
    expect((await shop.request('DELETE', '/v1/api-keys/not-a-uuid')).body).toMatchObject({ statusCode: 404, code: 'api_key_not_found' });
    expect((await stack.client.request('GET', '/v1/api-keys')).body).toMatchObject({ statusCode: 401, code: 'missing_api_key' });
    expect((await stack.client.withKey('hk_nope').request('POST', '/v1/api-keys', { name: 'x', scope: 'full' })).body).toMatchObject({ statusCode: 401, code: 'invalid_api_key' });

    // Sixty at once for a merchant holding one: exactly 49 more are made, whatever the interleaving.
    const burst = await Promise.all(Array.from({ length: 60 }, (_, i) => shop.request('POST', '/v1/api-keys', { name: `key ${i}`, scope: 'read' })));
    expect(burst.filter((answer) => answer.status === 201)).toHaveLength(49);
    expect(burst.filter((answer) => answer.status === 409).map((answer) => answer.body.code)).toEqual(Array(11).fill('too_many_api_keys'));
    expect(await keysOf(shop)).toHaveLength(50);
    const full = await shop.request('POST', '/v1/api-keys', { name: 'one too many', scope: 'read' });
    expect([full.status, full.body.code]).toEqual([409, 'too_many_api_keys']);
    expect(await keysOf(shop)).toHaveLength(50);
  });
});

describe('the API keys migration: merchants made before it', () => {
  let before: DatabaseBeforeMigration;

  beforeAll(async () => {
    before = await DatabaseBeforeMigration.create('ApiKeys');
  });
  afterAll(() => before?.destroy());

  it('makes each merchant’s key its `initial` full key, the same hash (so the same key) and no longer a column of merchants', async () => {
    const key = generateApiKey();
    const [{ id }] = await before.db.query(
      `INSERT INTO merchants (id, name, timezone, default_reminder_before, api_key_hash, api_key_prefix, created_at)
       VALUES (gen_random_uuid(), 'Old shop', 'Europe/Paris', 'P1D', $1, $2, '2026-01-02T03:04:05Z') RETURNING id`,
      [hashApiKey(key), key.slice(0, 9)],
    );
    const { ran, expected } = await before.migrateRest();
    expect(ran).toEqual(expected);
    const db = before.db;

    const keys = await db.query(`SELECT merchant_id, name, scope, key_hash, key_prefix, created_at, last_used_at FROM api_keys`);
    expect(keys).toEqual([
      { merchant_id: id, name: 'initial', scope: 'full', key_hash: hashApiKey(key), key_prefix: key.slice(0, 9), created_at: new Date('2026-01-02T03:04:05Z'), last_used_at: null },
    ]);
    const columns = await db.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'merchants' AND column_name LIKE 'api_key%'`);
    expect(columns).toEqual([]);
  });
});
