import { Client } from 'pg';
import { PURGE_ORDERS_SQL, purgeOrdersParams } from '@herald/persistence';
import { FINAL_STATUSES } from '@herald/notifications';
import { seedFinishedOrders } from '../support/retention-seed';
import { TestEnvironment } from '../support/test-environment';

jest.setTimeout(120_000);

const ORDERS = 50_000;
const BIG = '00000000-0000-4000-8000-00000000000a';
const SMALL = '00000000-0000-4000-8000-00000000000b';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/** The tables a purge batch deletes from, and every table that points at them. */
const PURGED_TABLES = ['orders', 'notifications', 'notification_events', 'webhook_deliveries'];

/**
 * A purge batch over 50,000 finished orders of two merchants, explained by Postgres: every row it reads or deletes is
 * found through an index, and so is every row Postgres itself looks up to check a deleted row is no longer pointed at.
 * The 1 M figures are in docs/benchmarks.md.
 */
describe('retention purge: a batch reads and deletes through indexes only', () => {
  let environment: TestEnvironment;
  let db: Client;

  beforeAll(async () => {
    environment = await TestEnvironment.create();
    db = new Client({ connectionString: environment.env.DATABASE_URL });
    await db.connect();
    await db.query(
      `INSERT INTO merchants (id, name, timezone, default_reminder_before, retention)
       VALUES ($1, 'Big shop', 'UTC', 'P1D', 'P1D'), ($2, 'Small shop', 'UTC', 'P1D', 'P90D')`,
      [BIG, SMALL],
    );
    const query = (sql: string, params?: unknown[]) => db.query(sql, params);
    await seedFinishedOrders(query, { merchantId: BIG, orders: ORDERS * 0.9, pickupDaysAgo: 5, eventsPerNotification: 2 });
    await seedFinishedOrders(query, { merchantId: SMALL, orders: ORDERS * 0.1, pickupDaysAgo: 5, eventsPerNotification: 2 });
    await db.query(
      `INSERT INTO webhook_deliveries (id, merchant_id, event_id, status) SELECT gen_random_uuid(), merchant_id, id, 'delivered' FROM notification_events WHERE id % 3 = 0`,
    );
    await db.query('ANALYZE');
  });
  afterAll(async () => {
    await db?.end();
    await environment?.destroy();
  });

  it('finds its orders by the merchant’s pickups, and everything hanging off them by key, with no sequential scan', async () => {
    const batch = { merchantId: BIG, cutoff: new Date(Date.now() - 86_400_000), limit: 200, finalStatuses: FINAL_STATUSES };
    for (const after of [null, { pickupAt: new Date(Date.now() - 4 * 86_400_000).toISOString(), id: '00000000-0000-4000-8000-000000000000' }]) {
      const { rows } = await db.query(`EXPLAIN (FORMAT JSON) ${PURGE_ORDERS_SQL}`, purgeOrdersParams({ ...batch, after }));
      const nodes = nodesOf(rows[0]['QUERY PLAN'][0].Plan);
      expect(nodes.filter((node) => node['Node Type'] === 'Seq Scan').map((node) => node['Relation Name'])).toEqual([]);
      const indexes = new Set(nodes.map((node) => node['Index Name']).filter(Boolean));
      for (const index of ['orders_merchant_pickup', 'notifications_order', 'notification_events_history', 'webhook_deliveries_event']) expect(indexes).toContain(index);
    }
  });

  it('has an index leading with the column of every foreign key that points at a table it deletes from', async () => {
    const { rows } = await db.query<{ constraint: string; table: string; column: string; indexed: boolean }>(
      `SELECT c.conname AS constraint, c.conrelid::regclass::text AS table, a.attname AS column,
              EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1]) AS indexed
       FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       WHERE c.contype = 'f' AND c.confrelid::regclass::text = ANY($1::text[])
       ORDER BY 1`,
      [PURGED_TABLES],
    );
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(rows.filter((row) => !row.indexed)).toEqual([]);
  });
});
