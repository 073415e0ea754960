import { Client } from 'pg';
import { orderPageSql, OrderPageQuery } from '../../libs/persistence/src/repositories/order.repository';
import { seedOrderLists } from '../../test/support/list-seed';
import { startBenchStack } from '../support/bench-stack';
import { count, ms, ratio, seconds } from '../support/format';
import { Scenario } from '../support/measurement';
import { insertMerchants } from '../support/seed';
import { distribution } from '../support/stats';

const GOAL_MS = 20;
const PAGE = 50;
const WARM_UP = 5;
const SAMPLES = 40;

/**
 * GET /v1/orders over `size` orders (90 % of them the asking merchant's, the rest a neighbour's, one notification
 * each), seeded by generate_series: each filter's first page of 50, over real HTTP, one request at a time, its
 * p50 and p99. The baseline is Postgres alone running the page's statement (EXPLAIN ANALYZE execution time, median
 * of the same number of runs): what is left over is HTTP, the notifications' statement and the JSON.
 */
export const lists: Scenario = {
  name: 'lists',
  async run(options) {
    const size = options.quick ? 20_000 : 1_000_000;
    const stack = await startBenchStack(options, 'lists');
    const db = new Client({ connectionString: stack.environment.env.DATABASE_URL });
    await db.connect();
    try {
      const [neighbour] = await insertMerchants(stack.environment, 1);
      const merchantId = stack.merchant.merchantId;
      const seedStarted = Date.now();
      await seedOrderLists((sql, params) => db.query(sql, params), { merchantId, otherMerchantId: neighbour.merchantId, orders: size, customers: size / 2 });
      const seedMs = Date.now() - seedStarted;

      const now = Date.now();
      const instant = (offsetMs: number) => new Date(now + offsetMs);
      const hour = 3600_000;
      const customerId = (await db.query<{ id: string }>(`SELECT id FROM customers WHERE phone = '+33610004241'`)).rows[0].id;
      const filters: [string, Partial<OrderPageQuery>][] = [
        ['no filter', {}],
        ['status=active', { status: 'active' }],
        ['status=cancelled', { status: 'cancelled' }],
        ['pickupFrom/pickupTo (a day)', { pickupFrom: instant(100 * hour), pickupTo: instant(124 * hour) }],
        ['reference', { reference: 'R-0004242' }],
        ['referencePrefix', { referencePrefix: 'R-00042' }],
        ['customerId', { customerId }],
        ['createdFrom/createdTo (a day)', { createdFrom: instant(-48 * hour), createdTo: instant(-24 * hour) }],
      ];

      const rows = [];
      for (const [name, filter] of filters) {
        const query = Object.entries(filter)
          .map(([key, value]) => `${key}=${encodeURIComponent(value instanceof Date ? value.toISOString() : String(value))}`)
          .join('&');
        const http: number[] = [];
        let found = 0;
        for (let i = 0; i < WARM_UP + SAMPLES; i += 1) {
          const started = performance.now();
          const { status, body } = await stack.merchant.request('GET', `/v1/orders?limit=${PAGE}&${query}`);
          if (status !== 200) throw new Error(`GET /v1/orders?${query} answered ${status}: ${JSON.stringify(body)}`);
          if (i >= WARM_UP) http.push(performance.now() - started);
          found = body.data.length;
        }
        const { sql, params } = orderPageSql({ merchantId, test: false, limit: PAGE + 1, ...filter });
        const database: number[] = [];
        for (let i = 0; i < SAMPLES; i += 1) {
          const { rows: plan } = await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
          database.push(plan[0]['QUERY PLAN'][0]['Execution Time']);
        }
        rows.push({ name, found, http: distribution(http), database: distribution(database) });
      }

      const worst = rows.reduce((a, b) => (b.http.p50 > a.http.p50 ? b : a));
      return [
        {
          scenario: 'lists',
          metric: `GET /v1/orders first page (${PAGE}), slowest filter's p50, ${count(size)} orders`,
          herald: ms(worst.http.p50),
          baseline: ms(worst.database.p50),
          ratio: ratio(worst.http.p50, worst.database.p50),
          goal: `≤ ${GOAL_MS} ms`,
          met: rows.every((row) => row.http.p50 <= GOAL_MS),
          details: [
            `seeded ${count(size)} orders, ${count(size / 2)} customers and ${count(size)} notifications in ${seconds(seedMs)}; slowest: ${worst.name}`,
            ...rows.map(
              (row) =>
                `${row.name}: ${row.found} orders; HTTP p50 ${ms(row.http.p50)}, p99 ${ms(row.http.p99)}; Postgres p50 ${ms(row.database.p50)}, p99 ${ms(row.database.p99)}`,
            ),
          ],
        },
      ];
    } finally {
      await db.end();
      await stack.stop();
    }
  },
};
