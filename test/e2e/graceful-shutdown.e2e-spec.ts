import { HeraldClient } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';

jest.setTimeout(60_000);

describe('SIGTERM drains a worker', () => {
  let stack: HeraldStack;
  let merchant: HeraldClient;

  beforeAll(async () => {
    stack = await startStack();
    merchant = await stack.client.createMerchant();
  });
  afterAll(() => stack?.stop());

  it('finishes the sends in flight before exiting, and loses none', async () => {
    stack.twilio.delayMs = 1500; // a slow provider: the sends are mid-flight when the signal arrives
    const ids = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone: `+3366${1000000 + i}` }, body: 'Closing soon' }).then((r) => r.body.id as string),
      ),
    );
    const deadline = Date.now() + 10_000;
    while ((await stack.environment.query(`SELECT 1 FROM notifications WHERE status = 'sending'`)).length < 5 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const [worker] = stack.workers;
    const stopped = worker.stop();
    // Draining, the worker still answers its monitoring port: an orchestrator sees it alive until it exits.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await fetch(`${worker.metricsUrl}/health/live`)).status).toBe(200);
    const exitCode = await stopped;
    expect(exitCode).toBe(0);
    const rows = await stack.environment.query<{ status: string }>(`SELECT status FROM notifications WHERE id = ANY($1::uuid[])`, [ids]);
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    expect(stack.twilio.sent()).toHaveLength(5);
  });
});
