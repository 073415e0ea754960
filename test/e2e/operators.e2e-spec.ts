import { HeraldClient, makeOrder } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';

jest.setTimeout(90_000);

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ADMIN = { authorization: basic(HeraldClient.admin.user, HeraldClient.admin.password) };
const VIEWER = { user: 'viewer', password: 'look-but-do-not-touch' };
const READ_ONLY = { authorization: basic(VIEWER.user, VIEWER.password) };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('operators: merchants listed, disabled and enabled, and every admin action in the audit log', () => {
  let stack: HeraldStack;
  let startedAt: Date;
  const admin = (method: string, path: string, body?: unknown) => stack.client.request(method, path, body, ADMIN);

  /** Every row of a paged admin list, following `nextCursor` `limit` at a time. */
  async function readAll(path: string, limit: number, headers = ADMIN): Promise<{ rows: any[]; pages: number }> {
    const rows: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer: { status: number; body: any } = await stack.client.request(
        'GET',
        `${path}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        undefined,
        headers,
      );
      expect(answer.status).toBe(200);
      expect(answer.body.data.length).toBeLessThanOrEqual(limit);
      rows.push(...answer.body.data);
      cursor = answer.body.nextCursor;
      pages += 1;
    } while (cursor);
    return { rows, pages };
  }

  beforeAll(async () => {
    startedAt = new Date();
    // The reconciliation runs every 2 s, so it has its chances to lose a held send.
    stack = await startStack({ env: { ADMIN_READONLY_USER: VIEWER.user, ADMIN_READONLY_PASSWORD: VIEWER.password, RECONCILE_EVERY: 'PT2S' } });
  });
  afterAll(() => stack?.stop());

  it('lists every merchant once, newest first, a page at a time, to the admin and the read-only operator alike', async () => {
    const created: string[] = [];
    for (const name of ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo']) created.push((await stack.client.createMerchant({ name })).merchantId);

    const { rows, pages } = await readAll('/admin/merchants', 2);
    const ours = rows.filter((row) => created.includes(row.id));
    expect(ours.map((row) => row.name)).toEqual(['Echo', 'Delta', 'Charlie', 'Bravo', 'Alpha']);
    expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(ours[0]).toEqual({
      id: created[4],
      name: 'Echo',
      timezone: 'Europe/Paris',
      status: 'active',
      disabledAt: null,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect((await readAll('/admin/merchants', 50, READ_ONLY)).rows).toEqual(rows);

    expect(await admin('GET', '/admin/merchants?cursor=not-a-cursor')).toMatchObject({ status: 400, body: { code: 'invalid_cursor' } });
    expect(await admin('GET', '/admin/merchants?limit=0')).toMatchObject({ status: 400, body: { code: 'invalid_query' } });
    expect(await admin('GET', '/admin/merchants?colour=red')).toMatchObject({ status: 400, body: { code: 'invalid_query' } });
    expect(await stack.client.request('GET', '/admin/merchants')).toMatchObject({ status: 401, body: { code: 'admin_auth_required' } });
    const shop = await stack.client.createMerchant({ name: 'Foxtrot' });
    expect(await shop.request('GET', '/admin/merchants', undefined, { authorization: `Bearer ${shop.apiKey}` })).toMatchObject({ status: 401 });
  });

  it('refuses a disabled merchant’s key on every route (401 merchant_disabled), leaves other merchants alone, and takes it back on enable', async () => {
    const shop = await stack.client.createMerchant({ name: 'Golf' });
    const neighbour = await stack.client.createMerchant({ name: 'Hotel' });
    const order = await shop.request('POST', '/v1/orders', makeOrder());
    expect(order.status).toBe(201);

    const disabled = await admin('POST', `/admin/merchants/${shop.merchantId}/disable`);
    expect(disabled).toMatchObject({ status: 200, body: { id: shop.merchantId, name: 'Golf', status: 'disabled', disabledAt: expect.any(String) } });
    for (const [method, path, body] of [
      ['GET', '/v1/merchant'],
      ['GET', '/v1/orders'],
      ['GET', `/v1/orders/${order.body.id}`],
      ['POST', '/v1/orders', makeOrder()],
      ['POST', `/v1/orders/${order.body.id}/cancel`],
      ['GET', '/v1/customers'],
      ['GET', '/v1/notifications'],
      ['POST', '/v1/events/stream-tokens'],
    ] as [string, string, unknown?][]) {
      const answer = await shop.request(method, path, body);
      expect([method, path, answer.status, answer.body?.code]).toEqual([method, path, 401, 'merchant_disabled']);
    }
    expect((await neighbour.request('GET', '/v1/orders')).status).toBe(200);
    expect((await admin('GET', '/admin/merchants?limit=200')).body.data.find((m: any) => m.id === shop.merchantId)).toMatchObject({ status: 'disabled' });
    // Disabling twice keeps the first instant.
    expect((await admin('POST', `/admin/merchants/${shop.merchantId}/disable`)).body.disabledAt).toBe(disabled.body.disabledAt);
    // Nothing was cancelled while the key was refused.
    expect(await stack.environment.query(`SELECT status FROM orders WHERE id = $1`, [order.body.id])).toEqual([{ status: 'active' }]);

    expect(await admin('POST', `/admin/merchants/${shop.merchantId}/enable`)).toMatchObject({ status: 200, body: { status: 'active', disabledAt: null } });
    expect((await shop.request('GET', `/v1/orders/${order.body.id}`)).status).toBe(200);
  });

  it('answers 404 merchant_not_found for an unknown or malformed id, and 403 admin_read_only to the read-only operator, changing nothing', async () => {
    const shop = await stack.client.createMerchant({ name: 'India' });
    expect(await admin('POST', '/admin/merchants/0b6f2d4e-7a1c-4e3b-9d5f-8c2a6e4b1f3d/disable')).toMatchObject({ status: 404, body: { code: 'merchant_not_found' } });
    expect(await admin('POST', '/admin/merchants/not-an-id/enable')).toMatchObject({ status: 404, body: { code: 'merchant_not_found' } });
    for (const action of ['disable', 'enable']) {
      const refused = await stack.client.request('POST', `/admin/merchants/${shop.merchantId}/${action}`, undefined, READ_ONLY);
      expect(refused).toMatchObject({ status: 403, body: { code: 'admin_read_only' } });
    }
    expect((await shop.request('GET', '/v1/merchant')).status).toBe(200);
    expect(await stack.environment.query(`SELECT disabled_at FROM merchants WHERE id = $1`, [shop.merchantId])).toEqual([{ disabled_at: null }]);
  });

  it('holds a reminder that falls due while its merchant is disabled (pending, unsent, through reconciliations) and sends it once enabled', async () => {
    const shop = await stack.client.createMerchant({ name: 'Juliett' });
    const phone = '+33655501234';
    const smsTo = () => stack.twilio.sent().filter((call) => call.to === phone);
    // The reminder falls due 3 s from now; the pickup is a minute away, so it is still worth sending later.
    const created = await shop.request('POST', '/v1/orders', makeOrder({
      reference: 'HELD-1',
      customer: { name: 'Ada', phone, locale: 'en' },
      pickupAt: new Date(Date.now() + 63_000).toISOString(),
      reminderBefore: 'PT60S',
    }));
    expect(created.status).toBe(201);
    const reminder = created.body.notifications.find((n: any) => n.kind === 'reminder');
    await shop.waitFor(`/v1/orders/${created.body.id}`, (o: any) => o.notifications.find((n: any) => n.kind === 'confirmation').status === 'sent');
    expect(smsTo()).toHaveLength(1);

    expect((await admin('POST', `/admin/merchants/${shop.merchantId}/disable`)).status).toBe(200);
    // Past its due time, with two or more reconciliations run meanwhile.
    await sleep(Math.max(0, new Date(reminder.scheduledFor).getTime() - Date.now()) + 5000);
    const [held] = await stack.environment.query<{ status: string; attempts: number }>(`SELECT status, attempts FROM notifications WHERE id = $1`, [reminder.id]);
    expect(['scheduled', 'queued']).toContain(held.status);
    expect(held.attempts).toBe(0);
    expect(smsTo()).toHaveLength(1);

    const enabledAt = Date.now();
    expect((await admin('POST', `/admin/merchants/${shop.merchantId}/enable`)).status).toBe(200);
    const sent = await shop.waitFor(`/v1/notifications/${reminder.id}`, (n: any) => n.status === 'sent', 10_000);
    expect(sent.attempts).toBe(1);
    expect(new Date(sent.sentAt).getTime() - enabledAt).toBeLessThan(5000);
    const texts = smsTo();
    expect(texts).toHaveLength(2);
    expect(texts[1].body).toContain('HELD-1');
  });

  it('writes every admin action to the audit log with who and when, newest first, paged, readable by the read-only operator', async () => {
    const shop = await stack.client.createMerchant({ name: 'Kilo' });
    await stack.client.request('POST', `/admin/merchants/${shop.merchantId}/disable`, undefined, READ_ONLY);
    await admin('POST', `/admin/merchants/${shop.merchantId}/disable`);
    await admin('POST', `/admin/merchants/${shop.merchantId}/enable`);
    const redrive = await admin('POST', '/admin/dead-letters/redrive', { queue: 'critical', limit: 10 });
    expect(redrive).toMatchObject({ status: 200, body: { redriven: 0 } });
    const finishedAt = new Date();

    const { rows, pages } = await readAll('/admin/audit', 3, READ_ONLY);
    expect(pages).toBeGreaterThan(3);
    const times = rows.map((row) => new Date(row.at).getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const time of times) {
      expect(time).toBeGreaterThanOrEqual(startedAt.getTime() - 1000);
      expect(time).toBeLessThanOrEqual(finishedAt.getTime() + 1000);
    }
    expect(rows.every((row) => row.actor === HeraldClient.admin.user)).toBe(true);
    const [redriven, enabled, disabled, created] = rows;
    expect(redriven).toMatchObject({ action: 'dead_letters.redriven', subject: null, detail: { filter: { queue: 'critical', limit: 10 }, redriven: 0 } });
    expect(enabled).toMatchObject({ action: 'merchant.enabled', subject: shop.merchantId });
    expect(disabled).toMatchObject({ action: 'merchant.disabled', subject: shop.merchantId });
    expect(created).toMatchObject({ action: 'merchant.created', subject: shop.merchantId, detail: { name: 'Kilo' } });
    // Every merchant this suite created, each once; the read-only operator's refused attempts left no trace.
    const merchants = await stack.environment.query<{ id: string }>(`SELECT id FROM merchants`);
    const createdEntries = rows.filter((row) => row.action === 'merchant.created').map((row) => row.subject);
    expect(createdEntries.sort()).toEqual(merchants.map((m) => m.id).sort());
    expect(rows.filter((row) => row.action === 'merchant.disabled')).toHaveLength(4);
    expect(await admin('GET', '/admin/audit?cursor=WyJ4Il0')).toMatchObject({ status: 400, body: { code: 'invalid_cursor' } });
    expect(await admin('GET', '/admin/audit?limit=201')).toMatchObject({ status: 400, body: { code: 'invalid_query' } });
  });

  it('keeps the audit log append-only: Postgres refuses to change, delete or truncate an entry', async () => {
    const before = await stack.environment.query(`SELECT * FROM audit_entries ORDER BY created_at, id`);
    expect(before.length).toBeGreaterThan(0);
    await expect(stack.environment.query(`UPDATE audit_entries SET actor = 'someone else'`)).rejects.toThrow(/append-only/);
    await expect(stack.environment.query(`DELETE FROM audit_entries`)).rejects.toThrow(/append-only/);
    await expect(stack.environment.query(`TRUNCATE audit_entries`)).rejects.toThrow(/append-only/);
    expect(await stack.environment.query(`SELECT * FROM audit_entries ORDER BY created_at, id`)).toEqual(before);
  });
});
