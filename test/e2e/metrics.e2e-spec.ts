import { randomUUID } from 'node:crypto';
import { HeraldClient, makeOrder } from '../support/herald-client';
import { freePort, HeraldProcess, startApi } from '../support/herald-process';
import { HeraldStack, startStack } from '../support/herald-stack';

jest.setTimeout(60_000);

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ADMIN = basic(HeraldClient.admin.user, HeraldClient.admin.password);
const READ_ONLY = { user: 'prometheus', password: 'scrape-only-password' };

/** `herald_http_request_duration_seconds_count{method,route,status}` from a scrape, keyed `METHOD route status`. */
function requestCounts(scrape: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [, method, route, status, count] of scrape.matchAll(/^herald_http_request_duration_seconds_count\{method="([^"]+)",route="([^"]*)",status="(\d+)"\} (\d+)$/gm)) {
    counts.set(`${method} ${route} ${status}`, Number(count));
  }
  return counts;
}

describe('/metrics', () => {
  let stack: HeraldStack;
  let shop: HeraldClient;

  beforeAll(async () => {
    stack = await startStack({ env: { ADMIN_READONLY_USER: READ_ONLY.user, ADMIN_READONLY_PASSWORD: READ_ONLY.password } });
    shop = await stack.client.createMerchant();
  });
  afterAll(() => stack?.stop());

  it('counts every answer under the status actually sent and the route template, never the raw path', async () => {
    const anonymous = new HeraldClient(stack.apiUrl);
    const duplicate = makeOrder();
    expect((await shop.request('POST', '/v1/orders', duplicate)).status).toBe(201);
    expect((await shop.request('POST', '/v1/orders', duplicate)).body.code).toBe('order_reference_taken'); // 409
    expect((await shop.request('POST', '/v1/orders', makeOrder({ pickupAt: 'tomorrow' }))).body.code).toBe('validation_failed'); // 400
    const unknownOrder = randomUUID();
    expect((await shop.request('GET', `/v1/orders/${unknownOrder}`)).body.code).toBe('order_not_found'); // 404
    expect((await anonymous.request('GET', '/v1/notifications')).body.code).toBe('missing_api_key'); // 401, from a guard
    expect((await shop.request('POST', '/v1/orders', 'reference=A-1', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await shop.request('GET', `/v1/no-such-thing/${unknownOrder}`)).status).toBe(404);

    const scrape = await anonymous.request('GET', '/metrics');
    const counts = requestCounts(scrape.body);
    expect(counts.get('POST /v1/orders 201')).toBe(1);
    expect(counts.get('POST /v1/orders 409')).toBe(1);
    expect(counts.get('POST /v1/orders 400')).toBe(1);
    expect(counts.get('GET /v1/orders/:id 404')).toBe(1);
    expect(counts.get('GET /v1/notifications 401')).toBe(1);
    expect(counts.get('POST unmatched 415')).toBe(1);
    expect(counts.get('GET unmatched 404')).toBe(1);
    expect(scrape.body).not.toContain(unknownOrder);
  });

  it('reports the depth of every queue Bull Board shows, the campaign queues included', async () => {
    const scrape = await new HeraldClient(stack.apiUrl).request('GET', '/metrics');
    const queues = new Set([...scrape.body.matchAll(/^herald_queue_jobs\{queue="([^"]+)",state="waiting"\} \d+$/gm)].map(([, queue]) => queue));
    expect([...queues].sort()).toEqual(['bulk', 'bulk-email', 'bulk-sms', 'critical', 'dead-letter']);
  });

  it('can require the admin or read-only credentials (METRICS_AUTH=admin)', async () => {
    const { process, url } = await startApi({ ...stack.environment.env, METRICS_AUTH: 'admin' });
    try {
      const client = new HeraldClient(url);
      const refused = await client.request('GET', '/metrics');
      expect(refused).toMatchObject({ status: 401, body: { code: 'admin_auth_required' } });
      expect(refused.headers.get('www-authenticate')).toContain('Basic');
      expect((await client.request('GET', '/metrics', undefined, { authorization: basic('admin', 'guess') })).status).toBe(401);
      const asAdmin = await client.request('GET', '/metrics', undefined, { authorization: ADMIN });
      expect(asAdmin.status).toBe(200);
      expect(asAdmin.body).toMatch(/herald_queue_jobs\{queue="critical",state="waiting"\} \d+/);
      const asReader = await client.request('GET', '/metrics', undefined, { authorization: basic(READ_ONLY.user, READ_ONLY.password) });
      expect(asReader.status).toBe(200);
      expect((await client.request('GET', '/health/ready')).status).toBe(200);
    } finally {
      await process.stop();
    }
  });

  it('can move to a port of its own (METRICS_PORT), leaving none on the API port', async () => {
    const metricsPort = await freePort();
    const { process, url } = await startApi({ ...stack.environment.env, METRICS_PORT: String(metricsPort) });
    let stopped: HeraldProcess | null = process;
    try {
      expect((await new HeraldClient(url).request('GET', '/metrics')).status).toBe(404);
      const own = new HeraldClient(`http://127.0.0.1:${metricsPort}`);
      const scrape = await own.request('GET', '/metrics');
      expect(scrape.status).toBe(200);
      expect(scrape.headers.get('content-type')).toContain('text/plain');
      expect(scrape.body).toMatch(/herald_queue_jobs\{queue="dead-letter",state="failed"\} \d+/);
      expect((await own.request('GET', '/v1/orders')).status).toBe(404);
      await process.stop();
      stopped = null;
      await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
    } finally {
      await stopped?.stop();
    }
  });
});
