import { HeraldClient, makeOrder } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';

jest.setTimeout(60_000);

const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

/**
 * Merchant B holds every id of merchant A's (order, notification, campaign, customer, erasure) and tries every route
 * that takes one, then reads every list it has: it never sees, changes, cancels or erases anything of A's, and A sees
 * all of it unchanged. So do B's test key and A's own test key (a test key sees only what test keys made); and what
 * A's test key made, A's live key and B never reach either.
 */
describe('one merchant never reads or changes another’s data', () => {
  let stack: HeraldStack;
  let a: HeraldClient & { merchantId: string };
  let b: HeraldClient;
  /** Test keys: B's, and A's own. */
  let bTest: HeraldClient;
  let aTest: HeraldClient;
  let ids: { order: string; customer: string; confirmation: string; reminder: string; message: string; campaign: string; erasure: string };
  let before: { order: unknown; customer: unknown; message: unknown; campaign: unknown; erasure: unknown };

  beforeAll(async () => {
    stack = await startStack({ workers: 0 }); // nothing is sent: every state stays as A left it unless someone changes it
    a = await stack.client.createMerchant({ name: 'Shop A' });
    b = await stack.client.createMerchant({ name: 'Shop B' });
    const testKey = async (merchant: HeraldClient) => {
      const created = await merchant.request('POST', '/v1/api-keys', { name: 'CI', scope: 'test' });
      expect([created.status, created.body.scope]).toEqual([201, 'test']);
      return merchant.withKey(created.body.apiKey);
    };
    [aTest, bTest] = [await testKey(a), await testKey(b)];
    const order = await a.request('POST', '/v1/orders', makeOrder({ customer: { name: 'Ada', phone: '+33611220001', email: 'ada.a@example.com', locale: 'en' } }));
    const message = await a.request('POST', '/v1/notifications', { channel: 'sms', to: { phone: '+33611220001' }, body: 'A one-off', sendAt: inAnHour() });
    const campaign = await a.request('POST', '/v1/campaigns', { name: 'A only', body: 'Hello from A', sendAt: inAnHour(), audience: { customerIds: [order.body.customer.id] } });
    // A's erasure of another of its customers (no worker runs here: it stays requested).
    const leaving = await a.request('POST', '/v1/customers', { name: 'Leaving', phone: '+33611220002' });
    const erasure = await a.request('DELETE', `/v1/customers/${leaving.body.id}`);
    expect([order.status, message.status, campaign.status, erasure.status]).toEqual([201, 201, 202, 202]);
    ids = {
      order: order.body.id,
      customer: order.body.customer.id,
      confirmation: order.body.notifications.find((n: any) => n.kind === 'confirmation').id,
      reminder: order.body.notifications.find((n: any) => n.kind === 'reminder').id,
      message: message.body.id,
      campaign: campaign.body.id,
      erasure: erasure.body.id,
    };
    before = await snapshotOfA();
  });
  afterAll(() => stack?.stop());

  async function snapshotOfA() {
    const [order, customer, message, campaign, erasure] = await Promise.all(
      [`/v1/orders/${ids.order}`, `/v1/customers/${ids.customer}`, `/v1/notifications/${ids.message}`, `/v1/campaigns/${ids.campaign}`, `/v1/erasures/${ids.erasure}`].map(async (path) => {
        const { status, body } = await a.request('GET', path);
        expect(status).toBe(200);
        return body;
      }),
    );
    return { order, customer, message, campaign, erasure };
  }

  it('answers 404 on every route that names one of A’s ids, for reads and for changes, to B’s keys and A’s test key', async () => {
    const attempts: [string, string, unknown, string][] = [
      ['GET', `/v1/orders/${ids.order}`, undefined, 'order_not_found'],
      ['PATCH', `/v1/orders/${ids.order}`, { pickupAt: inAnHour() }, 'order_not_found'],
      ['POST', `/v1/orders/${ids.order}/cancel`, undefined, 'order_not_found'],
      ['GET', `/v1/notifications/${ids.confirmation}`, undefined, 'notification_not_found'],
      ['GET', `/v1/notifications/${ids.reminder}`, undefined, 'notification_not_found'],
      ['POST', `/v1/notifications/${ids.reminder}/cancel`, undefined, 'notification_not_found'],
      ['POST', `/v1/notifications/${ids.message}/cancel`, undefined, 'notification_not_found'],
      ['GET', `/v1/campaigns/${ids.campaign}`, undefined, 'campaign_not_found'],
      ['POST', `/v1/campaigns/${ids.campaign}/cancel`, undefined, 'campaign_not_found'],
      ['GET', `/v1/customers/${ids.customer}`, undefined, 'customer_not_found'],
      ['PATCH', `/v1/customers/${ids.customer}`, { consent: { sms: false, email: false }, locale: 'fr' }, 'customer_not_found'],
      ['DELETE', `/v1/customers/${ids.customer}`, undefined, 'customer_not_found'],
      ['GET', `/v1/erasures/${ids.erasure}`, undefined, 'erasure_not_found'],
    ];
    for (const [who, client] of [['B', b], ['B’s test key', bTest], ['A’s test key', aTest]] as const) {
      for (const [method, path, body, code] of attempts) {
        const answer = await client.request(method, path, body);
        expect(JSON.stringify(answer.body)).not.toContain('+33611220001');
        expect([who, method, path, answer.status, answer.body?.code]).toEqual([who, method, path, 404, code]);
      }
    }
  });

  it('gives B’s console session none of A’s data either: the same 404s, and B’s own lists', async () => {
    const signedIn = await fetch(`${stack.apiUrl}/v1/console/session`, { method: 'POST', headers: { authorization: `Bearer ${b.apiKey}` } });
    expect(signedIn.status).toBe(201);
    const cookie = signedIn.headers.get('set-cookie')!.split(';')[0];
    const asB = (method: string, path: string, body?: unknown) => stack.client.request(method, path, body, { cookie, origin: stack.apiUrl });
    expect((await asB('GET', '/v1/console/session')).body).toMatchObject({ merchant: { name: 'Shop B' } });
    for (const [method, path, body, code] of [
      ['GET', `/v1/orders/${ids.order}`, undefined, 'order_not_found'],
      ['PATCH', `/v1/orders/${ids.order}`, { pickupAt: inAnHour() }, 'order_not_found'],
      ['POST', `/v1/orders/${ids.order}/cancel`, undefined, 'order_not_found'],
      ['GET', `/v1/customers/${ids.customer}`, undefined, 'customer_not_found'],
      ['PATCH', `/v1/customers/${ids.customer}`, { locale: 'fr' }, 'customer_not_found'],
      ['POST', `/v1/campaigns/${ids.campaign}/cancel`, undefined, 'campaign_not_found'],
      ['POST', `/v1/notifications/${ids.reminder}/cancel`, undefined, 'notification_not_found'],
    ] as const) {
      const answer = await asB(method, path, body);
      expect([method, path, answer.status, answer.body?.code]).toEqual([method, path, 404, code]);
    }
    for (const path of ['/v1/orders', '/v1/customers', '/v1/notifications', '/v1/events', '/v1/campaigns']) {
      const text = JSON.stringify((await asB('GET', path)).body);
      for (const id of Object.values(ids)) expect(text).not.toContain(id);
    }
  });

  it('refuses A’s customer as B’s order or campaign audience, or A’s test key’s, without touching it', async () => {
    for (const client of [b, bTest, aTest]) {
      const order = await client.request('POST', '/v1/orders', makeOrder({ customer: undefined, customerId: ids.customer }));
      expect([order.status, order.body.code]).toEqual([400, 'unknown_customer']);
      const campaign = await client.request('POST', '/v1/campaigns', { name: 'Theirs', body: 'Hi', audience: { customerIds: [ids.customer] } });
      expect([campaign.status, campaign.body.code]).toEqual([400, 'unknown_customer']);
    }
    const [count] = await stack.environment.query<{ n: string }>(`SELECT count(*) AS n FROM orders WHERE customer_id = $1`, [ids.customer]);
    expect(Number(count.n)).toBe(1);
  });

  it('lists none of A’s data in any of B’s lists and feeds, nor in A’s test key’s', async () => {
    const lists = ['/v1/orders', '/v1/customers', '/v1/notifications', '/v1/campaigns', '/v1/events', '/v1/webhook-endpoint/deliveries', '/v1/templates', '/v1/merchant'];
    for (const [who, client] of [['B', b], ['B’s test key', bTest]] as const) {
      for (const path of lists) {
        const answer = await client.request('GET', path);
        expect([who, path, answer.status]).toEqual([who, path, 200]);
        const text = JSON.stringify(answer.body);
        for (const id of Object.values(ids)) expect(text).not.toContain(id);
        expect(text).not.toContain('+33611220001');
        expect(text).not.toContain('Shop A');
      }
    }
    for (const path of lists.filter((path) => !['/v1/templates', '/v1/merchant', '/v1/webhook-endpoint/deliveries'].includes(path))) {
      const answer = await aTest.request('GET', path);
      expect([path, answer.status]).toEqual([path, 200]);
      expect(answer.body.data).toEqual([]);
    }
  });

  it('keeps what A’s test key made from A’s live key and from B', async () => {
    const order = await aTest.request('POST', '/v1/orders', makeOrder({ customer: { name: 'Test Ada', phone: '+33611229999', locale: 'en' } }));
    const message = await aTest.request('POST', '/v1/notifications', { channel: 'sms', to: { phone: '+33611229999' }, body: 'A test', sendAt: inAnHour() });
    const campaign = await aTest.request('POST', '/v1/campaigns', { name: 'A test', body: 'Hello', sendAt: inAnHour(), audience: { customerIds: [order.body.customer.id] } });
    expect([order.status, message.status, campaign.status]).toEqual([201, 201, 202]);
    expect([order.body.test, message.body.test, campaign.body.test]).toEqual([true, true, true]);
    const theirs = [
      ['GET', `/v1/orders/${order.body.id}`, 'order_not_found'],
      ['POST', `/v1/orders/${order.body.id}/cancel`, 'order_not_found'],
      ['GET', `/v1/notifications/${message.body.id}`, 'notification_not_found'],
      ['POST', `/v1/notifications/${message.body.id}/cancel`, 'notification_not_found'],
      ['GET', `/v1/campaigns/${campaign.body.id}`, 'campaign_not_found'],
      ['POST', `/v1/campaigns/${campaign.body.id}/cancel`, 'campaign_not_found'],
      ['GET', `/v1/customers/${order.body.customer.id}`, 'customer_not_found'],
      ['PATCH', `/v1/customers/${order.body.customer.id}`, 'customer_not_found'],
      ['DELETE', `/v1/customers/${order.body.customer.id}`, 'customer_not_found'],
    ];
    for (const [who, client] of [['A', a], ['B', b], ['B’s test key', bTest]] as const) {
      for (const [method, path, code] of theirs) {
        const answer = await client.request(method, path, method === 'PATCH' ? { locale: 'fr' } : undefined);
        expect([who, method, path, answer.status, answer.body?.code]).toEqual([who, method, path, 404, code]);
      }
      for (const path of ['/v1/orders', '/v1/customers', '/v1/notifications', '/v1/campaigns', '/v1/events']) {
        const text = JSON.stringify((await client.request('GET', path)).body);
        for (const id of [order.body.id, message.body.id, campaign.body.id, order.body.customer.id]) expect([who, path, text.includes(id)]).toEqual([who, path, false]);
      }
    }
    expect((await aTest.request('GET', `/v1/orders/${order.body.id}`)).body.status).toBe('active');
    expect((await aTest.request('GET', `/v1/campaigns/${campaign.body.id}`)).body.status).not.toBe('cancelled');
  });

  it('lets A’s test key erase a test customer, and that erasure is the test world’s alone', async () => {
    const customer = await aTest.request('POST', '/v1/customers', { name: 'Test leaving', phone: '+33611229998' });
    const erasure = await aTest.request('DELETE', `/v1/customers/${customer.body.id}`);
    expect([customer.status, erasure.status, erasure.body.status]).toEqual([201, 202, 'requested']);
    expect((await aTest.request('GET', `/v1/customers/${customer.body.id}`)).body.code).toBe('customer_not_found');
    for (const [who, client, status] of [['A’s test key', aTest, 200], ['A', a, 404], ['B', b, 404], ['B’s test key', bTest, 404]] as const) {
      expect([who, (await client.request('GET', `/v1/erasures/${erasure.body.id}`)).status]).toEqual([who, status]);
    }
  });

  it('leaves every one of A’s records as A left it', async () => {
    expect(await snapshotOfA()).toEqual(before);
    const statuses = await stack.environment.query<{ status: string }>(`SELECT status FROM notifications WHERE merchant_id = $1 ORDER BY id`, [a.merchantId]);
    expect(statuses.every(({ status }) => status !== 'cancelled')).toBe(true);
    const erasures = await stack.environment.query(`SELECT customer_id AS "customerId" FROM erasures WHERE NOT test`);
    expect(erasures).toEqual([{ customerId: (before.erasure as { customerId: string }).customerId }]);
  });
});
