import { HeraldClient, makeOrder } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';

jest.setTimeout(90_000);

type Merchant = HeraldClient & { merchantId: string };

const hours = (n: number) => new Date(Date.now() + n * 3600_000).toISOString();
const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

/** Every page of `path` (which has no cursor yet), following `nextCursor` to the end. */
async function allPages(who: HeraldClient, path: string): Promise<{ pages: any[][]; items: any[] }> {
  const pages: any[][] = [];
  let cursor: string | null = null;
  do {
    const { status, body }: { status: number; body: any } = await who.request('GET', `${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(status).toBe(200);
    pages.push(body.data);
    cursor = body.nextCursor;
  } while (cursor && pages.length < 100);
  return { pages, items: pages.flat() };
}

describe('GET /v1/orders and GET/POST /v1/customers: filters, pages, tenants', () => {
  let stack: HeraldStack;
  let shop: Merchant;
  let other: Merchant;
  /** shop's orders by reference, as POST /v1/orders answered. */
  const orders: Record<string, any> = {};
  let ada: any;
  let grace: any;
  let createdBetween: { from: string; to: string };

  beforeAll(async () => {
    stack = await startStack();
    shop = await stack.client.createMerchant({ name: 'Boulangerie Lune' });
    other = await stack.client.createMerchant({ name: 'Other Shop' });

    ada = (await shop.request('POST', '/v1/customers', { name: 'Ada', phone: '+33 6 12 34 56 78', email: 'Ada@Example.com', locale: 'fr' })).body;
    grace = (await shop.request('POST', '/v1/customers', { name: 'Grace', email: 'grace@example.com', preferredChannel: 'email' })).body;
    const place = async (reference: string, pickupInHours: number, customerId: string) => {
      const { status, body } = await shop.request('POST', '/v1/orders', makeOrder({ reference, customer: undefined, customerId, pickupAt: hours(pickupInHours) }));
      expect(status).toBe(201);
      orders[reference] = body;
    };
    await place('A-100', 3, ada.id);
    await place('A-101', 30, ada.id);
    await place('A-1_0', 50, grace.id);
    await place('A-1%x', 70, grace.id);
    await place('B-200', 90, ada.id);
    expect((await shop.request('POST', `/v1/orders/${orders['A-101'].id}/cancel`)).status).toBe(200);
    createdBetween = { from: orders['A-101'].createdAt, to: orders['A-1%x'].createdAt };
    // The other merchant has an order with the same reference and a customer with Ada's phone.
    expect((await other.request('POST', '/v1/orders', makeOrder({ reference: 'A-100', customer: { name: 'Zoé', phone: '+33612345678' } }))).status).toBe(201);
  });
  afterAll(() => stack?.stop());

  const references = (body: any) => body.data.map((o: any) => o.reference);
  const list = async (who: HeraldClient, params: Record<string, string>) => {
    const { status, body } = await who.request('GET', `/v1/orders?${q(params)}`);
    expect({ status, code: body.code }).toEqual({ status: 200, code: undefined });
    return body;
  };

  it('lists the merchant’s orders newest first, each with its customer and its notifications’ current statuses', async () => {
    const body = await list(shop, {});
    expect(references(body)).toEqual(['B-200', 'A-1%x', 'A-1_0', 'A-101', 'A-100']);
    expect(body.nextCursor).toBeNull();
    const cancelled = body.data.find((o: any) => o.reference === 'A-101');
    expect(cancelled).toMatchObject({ status: 'cancelled', customer: { id: ada.id, phone: '+33612345678', email: 'ada@example.com', locale: 'fr' } });
    expect(cancelled.notifications.map((n: any) => [n.kind, n.channel])).toEqual([['confirmation', 'sms'], ['reminder', 'sms']]);
    expect(cancelled.notifications[1]).toMatchObject({ id: orders['A-101'].notifications[1].id, status: 'cancelled' });
    const graces = body.data.find((o: any) => o.reference === 'A-1_0');
    expect(graces.notifications.map((n: any) => n.channel)).toEqual(['email', 'email']);
    // The statuses are the ones GET /v1/orders/{id} shows, without the histories.
    const full = (await shop.request('GET', `/v1/orders/${orders['A-101'].id}`)).body;
    expect(cancelled.notifications.map((n: any) => n.id)).toEqual(full.notifications.map((n: any) => n.id));
    expect(cancelled.notifications[1].events).toBeUndefined();
  });

  it('filters by status, pickup range, exact reference, reference prefix (with % and _ literal), customer and creation range', async () => {
    expect(references(await list(shop, { status: 'cancelled' }))).toEqual(['A-101']);
    expect(references(await list(shop, { status: 'active' }))).toEqual(['B-200', 'A-1%x', 'A-1_0', 'A-100']);
    expect(references(await list(shop, { pickupFrom: hours(20), pickupTo: hours(60) }))).toEqual(['A-1_0', 'A-101']);
    expect(references(await list(shop, { pickupFrom: hours(60) }))).toEqual(['B-200', 'A-1%x']);
    expect(references(await list(shop, { pickupTo: orders['A-101'].pickupAt }))).toEqual(['A-100']);
    expect(references(await list(shop, { reference: 'A-100' }))).toEqual(['A-100']);
    expect(references(await list(shop, { reference: 'A-10' }))).toEqual([]);
    expect(references(await list(shop, { referencePrefix: 'A-10' }))).toEqual(['A-101', 'A-100']);
    expect(references(await list(shop, { referencePrefix: 'A-1_' }))).toEqual(['A-1_0']);
    expect(references(await list(shop, { referencePrefix: 'A-1%' }))).toEqual(['A-1%x']);
    expect(references(await list(shop, { referencePrefix: 'A-' }))).toEqual(['A-1%x', 'A-1_0', 'A-101', 'A-100']);
    expect(references(await list(shop, { customerId: grace.id }))).toEqual(['A-1%x', 'A-1_0']);
    expect(references(await list(shop, { customerId: ada.id, status: 'active' }))).toEqual(['B-200', 'A-100']);
    expect(references(await list(shop, { createdFrom: createdBetween.from, createdTo: createdBetween.to }))).toEqual(['A-1_0', 'A-101']);
    // An offset's `+` left unencoded in the URL arrives as a space, and is read as the `+` it was.
    const paris = new Date(new Date(orders['A-1_0'].createdAt).getTime() + 3600_000).toISOString().replace('Z', '+01:00');
    const raw = await shop.request('GET', `/v1/orders?createdFrom=${paris}`);
    expect([raw.status, references(raw.body)]).toEqual([200, ['B-200', 'A-1%x', 'A-1_0']]);
  });

  it('pages through every order once, in order, with no gaps or duplicates (rows created within the same millisecond too)', async () => {
    // Eleven more orders written straight to the database at the very same millisecond, microseconds apart.
    await stack.environment.query(
      `INSERT INTO orders (id, merchant_id, customer_id, reference, pickup_at, reminder_before, channels, status, created_at)
       SELECT gen_random_uuid(), $1, $2, 'S-' || i, now() + interval '1 day', 'PT1H', '{sms}', 'active',
              date_trunc('milliseconds', now()) - interval '1 day' + i * interval '1 microsecond'
       FROM generate_series(1, 11) i`,
      [shop.merchantId, ada.id],
    );
    const everything = await list(shop, { limit: '200' });
    expect(everything.data).toHaveLength(16);
    for (const limit of ['1', '2', '3', '5']) {
      const { pages, items } = await allPages(shop, `/v1/orders?limit=${limit}`);
      expect(items.map((o) => o.id)).toEqual(everything.data.map((o: any) => o.id));
      expect(pages.every((page) => page.length <= Number(limit))).toBe(true);
    }
    const { items } = await allPages(shop, `/v1/orders?limit=4&status=active&referencePrefix=S-`);
    expect(items.map((o) => o.reference).sort()).toEqual(Array.from({ length: 11 }, (_, i) => `S-${i + 1}`).sort());
    await stack.environment.query(`DELETE FROM orders WHERE merchant_id = $1 AND reference LIKE 'S-%'`, [shop.merchantId]);
  });

  it('shows a merchant only its own orders, whatever the filter or cursor', async () => {
    const theirs = await list(other, {});
    expect(references(theirs)).toEqual(['A-100']);
    expect(theirs.data[0].customer.name).toBe('Zoé');
    expect(references(await list(other, { customerId: ada.id }))).toEqual([]);
    expect(references(await list(other, { reference: 'A-100' }))).toEqual(['A-100']);
    expect((await list(other, { referencePrefix: 'A-1' })).data.map((o: any) => o.id)).toEqual([theirs.data[0].id]);
    // A cursor from the shop's pages, used by the other merchant, still shows only the other merchant's orders.
    const shopPage = await list(shop, { limit: '1' });
    const followed = await list(other, { cursor: shopPage.nextCursor });
    expect(followed.data.every((o: any) => o.id === theirs.data[0].id)).toBe(true);
  });

  it('refuses bad filters with 400 invalid_query, a cursor it did not issue with 400 invalid_cursor, no key with 401', async () => {
    const refusals: [string, string][] = [
      ['status=pending', 'invalid_query'],
      ['pickupFrom=tomorrow', 'invalid_query'],
      ['pickupTo=2026-12-07T10:00:00', 'invalid_query'],
      ['createdFrom=2026-13-01T00:00:00Z', 'invalid_query'],
      ['createdTo=yesterday', 'invalid_query'],
      [`createdFrom=${hours(1)}&createdTo=${hours(-1)}`, 'invalid_query'],
      [`pickupFrom=${hours(5)}&pickupTo=${hours(5)}`, 'invalid_query'],
      ['customerId=42', 'invalid_query'],
      ['reference=', 'invalid_query'],
      [`referencePrefix=${'x'.repeat(101)}`, 'invalid_query'],
      ['status=active&status=cancelled', 'invalid_query'],
      ['limit=0', 'invalid_query'],
      ['limit=201', 'invalid_query'],
      ['sort=asc', 'invalid_query'],
      ['cursor=not-a-cursor', 'invalid_cursor'],
      [`cursor=${Buffer.from('["2026-12-07T10:00:00.000Z","x"]').toString('base64url')}`, 'invalid_cursor'],
    ];
    for (const [query, code] of refusals) {
      const { status, body } = await shop.request('GET', `/v1/orders?${query}`);
      expect({ query, status, code: body.code }).toEqual({ query, status: 400, code });
    }
    const anonymous = await new HeraldClient(stack.apiUrl).request('GET', '/v1/orders');
    expect([anonymous.status, anonymous.body.code]).toEqual([401, 'missing_api_key']);
    const wrongKey = await new HeraldClient(stack.apiUrl, 'hk_live_not-a-key').request('GET', '/v1/customers');
    expect([wrongKey.status, wrongKey.body.code]).toEqual([401, 'invalid_api_key']);
  });

  describe('customers', () => {
    it('creates a customer ahead of any order: phone normalised, email lower-cased, the merchant’s language by default', async () => {
      expect(ada).toMatchObject({ name: 'Ada', phone: '+33612345678', email: 'ada@example.com', locale: 'fr', preferredChannel: null, consent: { sms: true, email: true } });
      expect(grace).toMatchObject({ name: 'Grace', phone: null, email: 'grace@example.com', locale: 'en', preferredChannel: 'email' });
      expect((await shop.request('GET', `/v1/customers/${ada.id}`)).body).toEqual(ada);
      // An order giving the same contacts is the same customer.
      const order = await shop.request('POST', '/v1/orders', makeOrder({ customer: { phone: '+33612345678', email: 'ada@example.com' } }));
      expect(order.body.customer.id).toBe(ada.id);
      await shop.request('POST', `/v1/orders/${order.body.id}/cancel`);
    });

    it('answers 409 customer_contact_taken for a phone or email another customer of the merchant has; another merchant may have it', async () => {
      const taken = [
        { phone: '+33612345678' },
        { phone: '+33 6 12 34 56 78', email: 'new@example.com' },
        { email: 'ADA@example.com' },
        { name: 'Grace again', email: 'grace@example.com', phone: '+33698765432' },
      ];
      for (const body of taken) {
        const answer = await shop.request('POST', '/v1/customers', body);
        expect({ body, status: answer.status, code: answer.body.code }).toEqual({ body, status: 409, code: 'customer_contact_taken' });
      }
      const customers = await shop.request('GET', '/v1/customers?limit=200');
      expect(customers.body.data.map((c: any) => c.id).sort()).toEqual([ada.id, grace.id].sort());
      const elsewhere = await other.request('POST', '/v1/customers', { email: 'ada@example.com' });
      expect(elsewhere.status).toBe(201);
      expect(elsewhere.body.id).not.toBe(ada.id);
    });

    it('refuses a customer with no contact (400), an unknown preferred channel (400), a preferred channel without its contact (422)', async () => {
      const refusals: [Record<string, unknown>, number, string][] = [
        [{ name: 'Nobody' }, 400, 'validation_failed'],
        [{ phone: '+3361234' }, 400, 'validation_failed'],
        [{ email: 'not-an-email' }, 400, 'validation_failed'],
        [{ phone: '+33611111111', id: 'mine' }, 400, 'validation_failed'],
        [{ phone: '+33611111111', preferredChannel: 'fax' }, 400, 'invalid_preferred_channel'],
        [{ phone: '+33611111111', preferredChannel: 'email' }, 422, 'channel_recipient_missing'],
      ];
      for (const [body, status, code] of refusals) {
        const answer = await shop.request('POST', '/v1/customers', body);
        expect({ body, status: answer.status, code: answer.body.code }).toEqual({ body, status, code });
      }
      const malformed = await shop.request('POST', '/v1/customers', '{"phone":', { 'content-type': 'application/json' });
      expect([malformed.status, malformed.body.code]).toEqual([400, 'malformed_json']);
      expect((await shop.request('GET', '/v1/customers?phone=%2B33611111111')).body.data).toEqual([]);
    });

    it('finds a customer by phone in any format, by email in any case, by creation range; pages without gaps', async () => {
      const ids = async (query: string, who: HeraldClient = shop) => {
        const { status, body } = await who.request('GET', `/v1/customers?${query}`);
        expect({ query, status }).toEqual({ query, status: 200 });
        return body.data.map((c: any) => c.id);
      };
      expect(await ids(q({ phone: '+33612345678' }))).toEqual([ada.id]);
      expect(await ids(q({ phone: '+33 6 12 34 56 78' }))).toEqual([ada.id]);
      expect(await ids(q({ phone: '0033612345678' }))).toEqual([ada.id]);
      expect(await ids('phone=+33612345678')).toEqual([ada.id]);
      expect(await ids(q({ email: 'ADA@EXAMPLE.COM' }))).toEqual([ada.id]);
      expect(await ids(q({ email: 'grace@example.com', phone: '+33612345678' }))).toEqual([]);
      expect(await ids(q({ createdFrom: grace.createdAt }))).toEqual([grace.id]);
      expect(await ids(q({ createdTo: grace.createdAt }))).toEqual([ada.id]);
      expect(await ids(q({ createdFrom: ada.createdAt, createdTo: hours(1) }))).toEqual([grace.id, ada.id]);

      for (let i = 0; i < 5; i += 1) expect((await shop.request('POST', '/v1/customers', { email: `page${i}@example.com` })).status).toBe(201);
      const everyone = await ids('limit=200');
      expect(everyone).toHaveLength(7);
      const { pages, items } = await allPages(shop, '/v1/customers?limit=2');
      expect(pages.map((page) => page.length)).toEqual([2, 2, 2, 1]);
      expect(items.map((c) => c.id)).toEqual(everyone);
    });

    it('shows a merchant only its own customers', async () => {
      const theirs = (await other.request('GET', '/v1/customers?limit=200')).body.data;
      expect(theirs.map((c: any) => c.name)).toEqual([null, 'Zoé']);
      expect(theirs.map((c: any) => c.id)).not.toContain(ada.id);
      const byPhone = (await other.request('GET', `/v1/customers?${q({ phone: '+33612345678' })}`)).body.data;
      expect(byPhone.map((c: any) => c.id)).not.toContain(ada.id);
      expect((await other.request('GET', `/v1/customers?${q({ email: 'grace@example.com' })}`)).body.data).toEqual([]);
      const shopPage = (await shop.request('GET', '/v1/customers?limit=1')).body;
      const followed = (await other.request('GET', `/v1/customers?cursor=${shopPage.nextCursor}`)).body.data;
      expect(followed.every((c: any) => theirs.some((t: any) => t.id === c.id))).toBe(true);
    });

    it('refuses bad filters with 400 invalid_query and a cursor it did not issue with 400 invalid_cursor', async () => {
      const refusals: [string, string][] = [
        ['phone=12', 'invalid_query'],
        ['phone=not-a-phone', 'invalid_query'],
        ['email=nobody', 'invalid_query'],
        ['createdFrom=2026-12-07', 'invalid_query'],
        [`createdFrom=${hours(1)}&createdTo=${hours(-1)}`, 'invalid_query'],
        ['name=Ada', 'invalid_query'],
        ['limit=abc', 'invalid_query'],
        ['cursor=nope', 'invalid_cursor'],
      ];
      for (const [query, code] of refusals) {
        const { status, body } = await shop.request('GET', `/v1/customers?${query}`);
        expect({ query, status, code: body.code }).toEqual({ query, status: 400, code });
      }
      const anonymous = await new HeraldClient(stack.apiUrl).request('POST', '/v1/customers', { phone: '+33612345678' });
      expect([anonymous.status, anonymous.body.code]).toEqual([401, 'missing_api_key']);
    });
  });
});
