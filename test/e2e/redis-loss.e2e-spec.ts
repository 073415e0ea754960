import { Worker } from 'bullmq';
import { redisUrlOptions } from '@herald/redis';
import { HeraldClient, makeOrder, mapConcurrent } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';
import { PrivateRedis } from '../support/private-redis';

jest.setTimeout(120_000);

describe('Redis loses its data: Postgres rebuilds the scheduled work', () => {
  let redis: PrivateRedis;
  let stack: HeraldStack;
  let merchant: HeraldClient;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    stack = await startStack({ env: { REDIS_URL: redis.url } });
    merchant = await stack.client.createMerchant();
  });
  afterAll(async () => {
    await stack?.stop();
    await redis?.stop();
  });

  it('sends every pending message once and none early after FLUSHALL; skips reminders past pickup', async () => {
    const sendAt = new Date(Date.now() + 20_000);
    const phones = Array.from({ length: 200 }, (_, i) => `+3362${String(1000000 + i)}`);
    await mapConcurrent(phones, 20, async (phone) => {
      const response = await merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone }, body: 'Flash sale tonight', sendAt: sendAt.toISOString() });
      expect(response.status).toBe(201);
    });
    const overdue = await merchant.request('POST', '/v1/notifications', {
      channel: 'sms',
      to: { phone: '+33629999999' },
      body: 'Due while Redis was empty',
      sendAt: new Date(Date.now() + 1500).toISOString(),
    });
    const order = await merchant.request('POST', '/v1/orders', makeOrder({
      customer: { phone: '+33628888888' },
      pickupAt: new Date(Date.now() + 3000).toISOString(),
      reminderBefore: 'PT2S',
    }));
    await stack.twilio.waitForSent(1); // the order's confirmation

    const [worker] = stack.workers;
    await worker.kill();
    stack.workers.splice(0, 1);
    await redis.flushAll();
    await new Promise((resolve) => setTimeout(resolve, 3500)); // the overdue message and the pickup both pass

    await stack.addWorker();
    const overdueSent = await merchant.waitFor(`/v1/notifications/${overdue.body.id}`, (n: any) => n.status === 'sent');
    expect(overdueSent.status).toBe('sent');
    const reminder = await merchant.waitFor(`/v1/notifications/${order.body.notifications[1].id}`, (n: any) => n.status === 'skipped');
    expect(reminder.statusReason).toBe('pickup_passed');

    await stack.twilio.waitForSent(2 + 200, 40_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const flash = stack.twilio.calls.filter((c) => c.body === 'Flash sale tonight');
    expect(flash).toHaveLength(200);
    expect(new Set(flash.map((c) => c.to)).size).toBe(200);
    expect(Math.min(...flash.map((c) => c.at))).toBeGreaterThanOrEqual(sendAt.getTime());
    expect(stack.twilio.calls.filter((c) => c.to === '+33628888888')).toHaveLength(1); // confirmation only
  });

  it('redoes a notification whose job finished without it (e.g. given up after stalls), once it is overdue', async () => {
    await Promise.all(stack.workers.splice(0).map((worker) => worker.kill()));
    const created = await merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone: '+33627777777' }, body: 'Stuck one' });
    // Something other than Herald takes the job and finishes it: the notification stays `queued` with no live job.
    const thief = new Worker('critical', async () => 'lost', { connection: redisUrlOptions(redis.url), prefix: stack.environment.env.QUEUE_PREFIX });
    await new Promise<void>((resolve) => thief.once('completed', () => resolve()));
    await thief.close();
    await stack.environment.query(`UPDATE notifications SET scheduled_for = now() - interval '2 minutes' WHERE id = $1`, [created.body.id]);

    await stack.addWorker(); // its boot reconciliation finds the finished job and replaces it
    const sent = await merchant.waitFor(`/v1/notifications/${created.body.id}`, (n: any) => n.status === 'sent');
    expect(sent.attempts).toBe(1);
    expect(stack.twilio.calls.filter((c) => c.to === '+33627777777')).toHaveLength(1);
  });

  it('rebuilds a campaign: its pending sends in their rate-limited queue, and a fan-out that had not run', async () => {
    const shop = await stack.client.createMerchant({ name: 'Campaign Shop' });
    const seed = (prefix: string) =>
      stack.environment.query<{ id: string }>(
        `INSERT INTO customers (id, merchant_id, name, phone, locale)
         SELECT gen_random_uuid(), $1, 'C' || i, '+3365' || $2 || lpad(i::text, 6, '0'), 'en' FROM generate_series(1, 50) AS i
         RETURNING id`,
        [shop.merchantId, prefix],
      );
    await seed('1');
    const sendAt = new Date(Date.now() + 6000).toISOString();
    const fannedOut = await shop.request('POST', '/v1/campaigns', { name: 'Fanned out', body: 'Open late on Friday', audience: { all: true }, sendAt });
    await shop.waitFor(`/v1/campaigns/${fannedOut.body.id}`, (c: any) => c.status === 'scheduled' && c.counts.scheduled === 50);

    await Promise.all(stack.workers.splice(0).map((worker) => worker.kill()));
    const later = (await seed('2')).map((r) => r.id);
    const notYet = await shop.request('POST', '/v1/campaigns', { name: 'Not fanned out', body: 'New bread on Saturday', audience: { customerIds: later } });
    expect(notYet.status).toBe(202);
    await redis.flushAll();

    await stack.addWorker();
    const late = await shop.waitFor(`/v1/campaigns/${fannedOut.body.id}`, (c: any) => c.status === 'completed', 30_000);
    const rebuilt = await shop.waitFor(`/v1/campaigns/${notYet.body.id}`, (c: any) => c.status === 'completed', 30_000);
    expect([late.counts.sent, rebuilt.counts.sent]).toEqual([50, 50]);
    for (const body of ['Open late on Friday', 'New bread on Saturday']) {
      const calls = stack.twilio.calls.filter((c) => c.body === body);
      expect(calls).toHaveLength(50);
      expect(new Set(calls.map((c) => c.to)).size).toBe(50);
    }
    expect(Math.min(...stack.twilio.calls.filter((c) => c.body === 'Open late on Friday').map((c) => c.at))).toBeGreaterThanOrEqual(new Date(sendAt).getTime());
  });
});
