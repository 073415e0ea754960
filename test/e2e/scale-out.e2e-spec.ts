import { HeraldClient, mapConcurrent } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';

jest.setTimeout(90_000);

describe('workers scale out without sending twice', () => {
  let stack: HeraldStack;
  let merchant: HeraldClient;

  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: { WORKER_CRITICAL_CONCURRENCY: '20' } });
    merchant = await stack.client.createMerchant();
  });
  afterAll(() => stack?.stop());

  it('sends nothing while no worker runs, then exactly once each across two workers', async () => {
    const phones = Array.from({ length: 200 }, (_, i) => `+336${String(10000000 + i)}`);
    const created = await mapConcurrent(phones, 20, async (phone) => {
      const response = await merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone }, body: `Hello ${phone}` });
      expect(response.status).toBe(201);
      return response.body.id as string;
    });

    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(stack.twilio.calls).toHaveLength(0);
    const queued = await stack.environment.query<{ count: string }>(`SELECT count(*) FROM notifications WHERE status = 'queued'`);
    expect(Number(queued[0].count)).toBe(200);

    // The provider holds its answers until both workers have a full round of sends at it: otherwise whichever worker
    // boots first could send the whole batch before the other is up, and the test would show nothing of scaling out.
    const release = stack.twilio.holdAnswers();
    await Promise.all([stack.addWorker(), stack.addWorker()]);
    for (const deadline = Date.now() + 30_000; stack.twilio.requestsInFlight < 40 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    release();
    await stack.twilio.waitForSent(200, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // room for any duplicate to show up

    const perPhone = new Map<string, number>();
    for (const call of stack.twilio.calls) perPhone.set(call.to, (perPhone.get(call.to) ?? 0) + 1);
    expect(perPhone.size).toBe(200);
    expect([...perPhone.values()].every((count) => count === 1)).toBe(true);

    const statuses = await stack.environment.query<{ status: string; count: string }>(
      `SELECT status, count(*) FROM notifications WHERE id = ANY($1::uuid[]) GROUP BY status`,
      [created],
    );
    expect(statuses).toEqual([{ status: 'sent', count: '200' }]);
    const claimsByWorker = await stack.environment.query<{ worker: string; count: string }>(
      `SELECT detail->>'worker' AS worker, count(*) FROM notification_events WHERE status = 'sending' GROUP BY 1`,
    );
    const pids = stack.workers.map((w) => w.child.pid);
    expect(claimsByWorker.map((row) => Number(row.worker.split(':')[1])).sort()).toEqual(pids.sort());
  });
});
