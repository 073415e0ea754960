import { HeraldClient, makeOrder, mapConcurrent } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';

jest.setTimeout(180_000);

// Large enough that most of it is still waiting when the last confirmation is measured (about 200 drain meanwhile).
const BACKLOG = 1200;

describe('a bulk backlog never delays critical sends', () => {
  let stack: HeraldStack;
  let merchant: HeraldClient;

  beforeAll(async () => {
    // No worker while the backlog is built, so it is all waiting when the worker starts.
    stack = await startStack({ workers: 0, env: { WORKER_BULK_CONCURRENCY: '2', WORKER_CRITICAL_CONCURRENCY: '10' } });
    merchant = await stack.client.createMerchant();
  });
  afterAll(() => stack?.stop());

  it('sends confirmations within a second while 1,200 bulk messages drain', async () => {
    await mapConcurrent(Array.from({ length: BACKLOG }, (_, i) => i), 25, async (i) => {
      const response = await merchant.request('POST', '/v1/notifications', {
        channel: 'sms',
        to: { phone: `+3361${String(1000000 + i)}` },
        body: `Spring sale ${i}`,
        priority: 'bulk',
      });
      expect(response.status).toBe(201);
    });
    stack.twilio.delayMs = 15; // a provider with real latency keeps the bulk queue busy for a while
    await stack.addWorker();
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const latencies: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const phone = `+3379${String(1000000 + i)}`;
      const acceptedAt = Date.now();
      const created = await merchant.request('POST', '/v1/orders', makeOrder({ customer: { phone } }));
      expect(created.status).toBe(201);
      const deadline = Date.now() + 5000;
      let call;
      while (!(call = stack.twilio.calls.find((c) => c.to === phone)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(call).toBeDefined();
      latencies.push(call!.at - acceptedAt);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const bulkSentMeanwhile = stack.twilio.calls.filter((c) => c.body.startsWith('Spring sale')).length;
    latencies.sort((a, b) => a - b);
    process.stdout.write(
      `critical latency under a ${BACKLOG}-message bulk backlog: p50 ${latencies[4]} ms, max ${latencies[9]} ms ` +
        `(bulk sent meanwhile: ${bulkSentMeanwhile}, still waiting: ${BACKLOG - bulkSentMeanwhile})\n`,
    );
    expect(bulkSentMeanwhile).toBeLessThan(BACKLOG); // the backlog really was there while we measured
    expect(latencies[9]).toBeLessThan(1000);
  });
});
