import { HeraldClient, mapConcurrent } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';
import { PrivatePostgres } from '../support/private-postgres';

jest.setTimeout(120_000);

describe('Postgres goes away for a few seconds under load', () => {
  let postgres: PrivatePostgres;
  let stack: HeraldStack;
  let merchant: HeraldClient;

  beforeAll(async () => {
    postgres = await PrivatePostgres.start();
    stack = await startStack({ env: { DATABASE_URL: postgres.url('herald') } });
    merchant = await stack.client.createMerchant();
  });
  afterAll(async () => {
    await stack?.stop();
    await postgres?.destroy();
  });

  it('answers 503 fast meanwhile, then sends everything pending exactly once', async () => {
    const start = Date.now();
    const phones = Array.from({ length: 150 }, (_, i) => `+3364${String(1000000 + i)}`);
    // Sends spread over the next 6 seconds, so some fall due during the outage.
    await mapConcurrent(phones, 15, async (phone, i) => {
      const sendAt = new Date(start + 2000 + (i % 30) * 200).toISOString();
      expect((await merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone }, body: 'Back in stock', sendAt })).status).toBe(201);
    });

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + 3000 - Date.now())));
    await postgres.pause();
    const outageStarted = Date.now();

    const readyStarted = Date.now();
    const ready = await stack.client.request('GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(Date.now() - readyStarted).toBeLessThan(1500);
    const workerReady = await fetch(`${stack.workers[0].metricsUrl}/health/ready`);
    expect(workerReady.status).toBe(503);
    expect(((await workerReady.json()) as any).error).toMatchObject({ postgres: { status: 'down' } });

    const postStarted = Date.now();
    const refused = await merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone: '+33640000000' }, body: 'During the outage' });
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('service_unavailable');
    expect(Date.now() - postStarted).toBeLessThan(1500);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, outageStarted + 4000 - Date.now())));
    await postgres.resume();

    await stack.twilio.waitForSent(150, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const perPhone = new Map<string, number>();
    for (const call of stack.twilio.sent()) perPhone.set(call.to, (perPhone.get(call.to) ?? 0) + 1);
    expect(perPhone.size).toBe(150);
    expect([...perPhone.values()].filter((n) => n > 1)).toEqual([]);
    expect((await stack.client.request('GET', '/health/ready')).status).toBe(200);
    const statuses = await merchant.request('GET', '/v1/notifications?status=sent&limit=200');
    expect(statuses.body.data).toHaveLength(150);
  });
});
