import { Client } from 'pg';
import { CustomerPageQuery, customerPageSql, OrderPageQuery, orderPageSql } from '@herald/persistence';
import { seedOrderLists } from '../support/list-seed';
import { TestEnvironment } from '../support/test-environment';

jest.setTimeout(120_000);

const ORDERS = 30_000;
const CUSTOMERS = 30_000;
const TEST_ROWS = 500;
const BIG = '00000000-0000-4000-8000-00000000000a';
const SMALL = '00000000-0000-4000-8000-00000000000b';
/** ContactHashing's pads: any 128 bytes plan the same. */
const PADS = Buffer.alloc(128);

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const LARGE_TABLES = ['orders', 'customers', 'notifications'];

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/**
 * The statements behind GET /v1/orders and GET /v1/customers, explained by Postgres over 30 000 orders and 30 000
 * customers of two merchants (90 % of the rows the one asking): each filter's first page reads an index, never the
 * whole table. The 1 M figures are in docs/benchmarks.md. The merchant's test keys made 500 more customers and orders:
 * a test key's pages read its test world's own indexes, never the live rows.
 */
describe('order and customer lists: every filter’s first page is an index scan', () => {
  let environment: TestEnvironment;
  let db: Client;
  const now = new Date();
  const hoursFromNow = (hours: number) => new Date(now.getTime() + hours * 3600_000);

  beforeAll(async () => {
    environment = await TestEnvironment.create();
    db = new Client({ connectionString: environment.env.DATABASE_URL });
    await db.connect();
    await db.query(
      `INSERT INTO merchants (id, name, timezone, default_reminder_before)
       VALUES ($1, 'Big shop', 'Europe/Paris', 'P1D'), ($2, 'Small shop', 'Europe/Paris', 'P1D')`,
      [BIG, SMALL],
    );
    await seedOrderLists((sql, params) => db.query(sql, params), { merchantId: BIG, otherMerchantId: SMALL, orders: ORDERS, customers: CUSTOMERS });
    await db.query(
      `INSERT INTO customers (id, merchant_id, name, phone, locale, test)
       SELECT gen_random_uuid(), $1, 'Test ' || i, '+3369' || lpad(i::text, 7, '0'), 'en', true FROM generate_series(1, $2::int) i`,
      [BIG, TEST_ROWS],
    );
    await db.query(
      `INSERT INTO orders (id, merchant_id, customer_id, reference, pickup_at, reminder_before, channels, status, test)
       SELECT gen_random_uuid(), $1, c.id, 'R-' || c.phone, now() + interval '1 day', 'PT2H', '{sms}', 'active', true FROM customers c WHERE c.test`,
      [BIG],
    );
    await db.query('ANALYZE merchants, customers, orders');
  });
  afterAll(async () => {
    await db?.end();
    await environment?.destroy();
  });

  async function plan({ sql, params }: { sql: string; params: unknown[] }): Promise<PlanNode[]> {
    const { rows } = await db.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    return nodesOf(rows[0]['QUERY PLAN'][0].Plan);
  }

  /**
   * No large table is read whole (a few-row table such as merchants or an empty opt-out list may be), and `table`
   * itself is read through an index.
   */
  function expectIndexed(nodes: PlanNode[], table: string) {
    const seqScans = nodes.filter((n) => n['Node Type'] === 'Seq Scan' && LARGE_TABLES.includes(n['Relation Name']!)).map((n) => n['Relation Name']);
    expect(seqScans).toEqual([]);
    expect(nodes.some((n) => /Index/.test(n['Node Type']) && (n['Relation Name'] === table || n['Index Name']?.startsWith(`${table}_`)))).toBe(true);
  }

  const page = { merchantId: BIG, test: false, limit: 51 };
  const testPage = { ...page, test: true };
  const orderFilters: [string, Partial<OrderPageQuery>][] = [
    ['no filter', {}],
    ['status=active', { status: 'active' }],
    ['status=cancelled', { status: 'cancelled' }],
    ['pickupFrom/pickupTo', { pickupFrom: hoursFromNow(100), pickupTo: hoursFromNow(124) }],
    ['pickupFrom', { pickupFrom: hoursFromNow(1990) }],
    ['reference', { reference: 'R-0004242' }],
    ['referencePrefix', { referencePrefix: 'R-00042' }],
    ['createdFrom/createdTo', { createdFrom: new Date(now.getTime() - 86_400_000), createdTo: new Date(now.getTime() - 80_000_000) }],
    ['createdTo', { createdTo: new Date(now.getTime() - 500_000_000) }],
    ['the next page', { after: { createdAt: new Date(now.getTime() - 3600_000), id: '00000000-0000-4000-8000-000000000001' } }],
  ];

  it.each(orderFilters)('GET /v1/orders, %s', async (_, filter) => {
    expectIndexed(await plan(orderPageSql({ ...page, ...filter })), 'orders');
  });

  it.each(orderFilters)('GET /v1/orders with a test key, %s', async (_, filter) => {
    expectIndexed(await plan(orderPageSql({ ...testPage, ...filter })), 'orders');
  });

  it('GET /v1/orders, customerId (and the page’s notifications in one indexed statement)', async () => {
    const { rows } = await db.query<{ id: string }>(`SELECT id FROM customers WHERE phone = '+33610004241'`);
    expectIndexed(await plan(orderPageSql({ ...page, customerId: rows[0].id })), 'orders');
    const { rows: ids } = await db.query<{ id: string }>(`SELECT id FROM orders WHERE merchant_id = $1 ORDER BY created_at DESC LIMIT 50`, [BIG]);
    expect(ids).toHaveLength(50);
    expectIndexed(
      await plan({
        sql: `SELECT id, status FROM notifications WHERE order_id = ANY($2::uuid[]) AND merchant_id = $1 ORDER BY created_at, kind, id`,
        params: [BIG, ids.map((r) => r.id)],
      }),
      'notifications',
    );
  });

  const customerFilters: [string, Partial<CustomerPageQuery>][] = [
    ['no filter', {}],
    ['phone', { phone: '+33610004241' }],
    ['email (any case)', { email: 'customer4241@example.COM' }],
    ['createdFrom/createdTo', { createdFrom: new Date(now.getTime() - 86_400_000), createdTo: new Date(now.getTime() - 80_000_000) }],
  ];

  it.each(customerFilters)('GET /v1/customers, %s', async (_, filter) => {
    expectIndexed(await plan(customerPageSql({ ...page, ...filter }, '+15005550006', PADS)), 'customers');
  });

  it.each(customerFilters)('GET /v1/customers with a test key, %s', async (_, filter) => {
    expectIndexed(await plan(customerPageSql({ ...testPage, ...filter }, '+15005550006', PADS)), 'customers');
  });

  it('the filters find what was seeded (the plans above are of queries that match rows)', async () => {
    const found = async ({ sql, params }: { sql: string; params: unknown[] }) => (await db.query(sql, params)).rows;
    expect(await found(orderPageSql({ ...page, reference: 'R-0004242' }))).toHaveLength(1);
    expect((await found(orderPageSql({ ...page, referencePrefix: 'R-00042' }))).every((r) => r.reference.startsWith('R-00042'))).toBe(true);
    expect(await found(orderPageSql({ ...page, status: 'cancelled' }))).toHaveLength(51);
    const [customer] = await found(customerPageSql({ ...page, email: 'customer4241@example.COM' }, '+15005550006', PADS));
    expect(customer).toMatchObject({ phone: '+33610004241', email: 'Customer4241@Example.com' });
  });

  it('keeps the worlds apart: a test key’s pages hold its test rows only, a live key’s none of them', async () => {
    const found = async ({ sql, params }: { sql: string; params: unknown[] }) => (await db.query(sql, params)).rows;
    const testOrders = await found(orderPageSql({ ...testPage, limit: TEST_ROWS + 1 }));
    expect(testOrders).toHaveLength(TEST_ROWS);
    expect(testOrders.every((order) => order.test && order.customer.test)).toBe(true);
    expect(await found(orderPageSql({ ...page, referencePrefix: 'R-+3369' }))).toEqual([]);
    expect(await found(orderPageSql({ ...testPage, reference: 'R-0004242' }))).toEqual([]);
    expect(await found(customerPageSql({ ...testPage, phone: '+33610004241' }, '+15005550006', PADS))).toEqual([]);
    expect(await found(customerPageSql({ ...page, phone: '+33690000001' }, '+15005550006', PADS))).toEqual([]);
    expect(await found(customerPageSql({ ...testPage, phone: '+33690000001' }, '+15005550006', PADS))).toHaveLength(1);
  });
});
