import { ApiResponse, HeraldClient, makeOrder } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';
import { PrivateRedis } from '../support/private-redis';
import { TestCertificate } from '../support/test-certificate';

jest.setTimeout(90_000);

/** The API waits 2 s for Redis to take a request's jobs (COMMITTED_WORK_WAIT_MS); this leaves room for a loaded machine. */
const ANSWER_WITHIN_MS = 6000;

/** The answer, or a failure naming the request if none comes in time (before the fix, requests waited for Redis). */
async function answered(what: string, request: Promise<ApiResponse>): Promise<ApiResponse> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ANSWER_WITHIN_MS} ms while Redis is down`)), ANSWER_WITHIN_MS)));
  try {
    return await Promise.race([request, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// The one server is locked as a managed one is: TLS only (a self-signed certificate) and an ACL user, the default user
// off; Herald gets in through REDIS_URL (rediss://user:password@host) and REDIS_TLS_CA.
const USER = { name: 'herald', password: 'single-server-password' };

describe('Redis down while Postgres is up: committed work is accepted, and sent once Redis is back', () => {
  let certificate: TestCertificate;
  let redis: PrivateRedis;
  let stack: HeraldStack;
  let merchant: HeraldClient & { merchantId: string };

  beforeAll(async () => {
    certificate = await TestCertificate.create();
    redis = await PrivateRedis.start(['--user', 'default', 'off', '--user', USER.name, 'on', `>${USER.password}`, '~*', '&*', '+@all'], {
      tls: certificate,
      client: { username: USER.name, password: USER.password },
    });
    const url = `rediss://${USER.name}:${USER.password}@127.0.0.1:${redis.port}`;
    stack = await startStack({ env: { REDIS_URL: url, REDIS_TLS_CA: certificate.certFile, RECONCILE_EVERY: 'PT2S' } });
    merchant = await stack.client.createMerchant({ name: 'Boulangerie Lune' });
  });
  afterAll(async () => {
    await stack?.stop();
    await redis?.stop();
    certificate?.remove();
  });

  it('answers 201 with the stored notifications, never a 5xx, and sends each exactly once after Redis restarts', async () => {
    const phone = '+33645000001';
    const pickupAt = new Date(Date.now() + 20_000);
    await redis.stop();

    const idempotent = { 'idempotency-key': 'order-during-outage' };
    const orderBody = makeOrder({ customer: { name: 'Ada', phone, locale: 'en' }, pickupAt: pickupAt.toISOString(), reminderBefore: 'PT10S' });
    const [order, message, toCancel] = await Promise.all([
      answered('POST /v1/orders', merchant.request('POST', '/v1/orders', orderBody, idempotent)),
      answered('POST /v1/notifications', merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone: '+33645000002' }, body: 'Your table is ready' })),
      answered(
        'POST /v1/notifications (later)',
        merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone: '+33645000003' }, body: 'Never sent', sendAt: new Date(Date.now() + 4000).toISOString() }),
      ),
    ]);
    expect(order.status).toBe(201);
    expect(order.body.notifications.map((n: any) => [n.kind, n.status])).toEqual([
      ['confirmation', 'queued'],
      ['reminder', 'scheduled'],
    ]);
    expect(message).toMatchObject({ status: 201, body: { status: 'queued', body: 'Your table is ready' } });
    expect(toCancel).toMatchObject({ status: 201, body: { status: 'scheduled' } });

    // Moving the pickup, cancelling and starting a campaign commit too, and answer as they would with Redis up.
    const movedPickup = new Date(pickupAt.getTime() + 4000);
    const [moved, cancelled, campaign, replayed] = await Promise.all([
      answered('PATCH /v1/orders/:id', merchant.request('PATCH', `/v1/orders/${order.body.id}`, { pickupAt: movedPickup.toISOString() })),
      answered('POST /v1/notifications/:id/cancel', merchant.request('POST', `/v1/notifications/${toCancel.body.id}/cancel`)),
      answered('POST /v1/campaigns', merchant.request('POST', '/v1/campaigns', { name: 'Morning bake', body: 'Fresh bread at six', audience: { all: true } })),
      // A client that retries with its key gets the first answer again, not a second order.
      answered('POST /v1/orders (retried)', merchant.request('POST', '/v1/orders', orderBody, idempotent)),
    ]);
    expect(moved.status).toBe(200);
    const reminder = moved.body.notifications.find((n: any) => n.kind === 'reminder');
    expect(reminder).toMatchObject({ id: order.body.notifications[1].id, status: 'scheduled', scheduledFor: new Date(movedPickup.getTime() - 10_000).toISOString() });
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    expect(campaign.status).toBe(202);
    expect(replayed).toMatchObject({ status: 201, body: { id: order.body.id } });

    await redis.restart(); // back empty, as after a crash: none of the jobs above is in it
    await merchant.waitFor(`/v1/orders/${order.body.id}`, (o: any) => o.notifications.every((n: any) => n.status === 'sent'), 40_000);
    await merchant.waitFor(`/v1/campaigns/${campaign.body.id}`, (c: any) => c.status === 'completed', 20_000);
    await merchant.waitFor(`/v1/notifications/${message.body.id}`, (n: any) => n.status === 'sent');
    await new Promise((resolve) => setTimeout(resolve, 1500)); // room for a duplicate to show up

    const calls = stack.twilio.sent();
    const toCustomer = calls.filter((call) => call.to === phone);
    expect(toCustomer.filter((call) => call.body === 'Fresh bread at six')).toHaveLength(1);
    const orderCalls = toCustomer.filter((call) => call.body !== 'Fresh bread at six');
    expect(orderCalls).toHaveLength(2); // the confirmation and the reminder, once each
    expect(orderCalls[1].at).toBeGreaterThanOrEqual(new Date(reminder.scheduledFor).getTime()); // at its new time, not before
    expect(calls.filter((call) => call.body === 'Your table is ready')).toHaveLength(1);
    expect(calls.filter((call) => call.to === '+33645000003')).toHaveLength(0);
    const orders = await stack.environment.query(`SELECT 1 FROM orders WHERE merchant_id = $1`, [merchant.merchantId]);
    expect(orders).toHaveLength(1);
  });
});
