import { HeraldClient, mapConcurrent } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';

jest.setTimeout(180_000);

describe('a worker killed mid-batch loses nothing', () => {
  let stack: HeraldStack;
  let merchant: HeraldClient;

  beforeAll(async () => {
    stack = await startStack({ workers: 0, env: { WORKER_CRITICAL_CONCURRENCY: '20' } });
    merchant = await stack.client.createMerchant();
  });
  afterAll(() => stack?.stop());

  it('sends all 1,000 after kill -9 of one of two workers, and counts duplicates', async () => {
    const phones = Array.from({ length: 1000 }, (_, i) => `+3365${String(1000000 + i)}`);
    await mapConcurrent(phones, 25, async (phone) => {
      expect((await merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone }, body: 'Your parcel is here' })).status).toBe(201);
    });
    stack.twilio.delayMs = 20; // every send is in flight for a while, so the kill lands mid-send
    const [victim] = await Promise.all([stack.addWorker(), stack.addWorker()]);
    await stack.twilio.waitForSent(300, 30_000);
    // The worst moment to die: with sends the provider is still answering, so it accepts them after the worker is
    // gone and Postgres never hears of it.
    stack.twilio.delayMs = 1500;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await victim.kill();
    const killedAt = Date.now();
    stack.twilio.delayMs = 20;

    // Done when Postgres says so: the fake counts the dead worker's last sends as accepted before anyone records them.
    const deadline = Date.now() + 90_000;
    while (Number((await stack.environment.query<{ n: string }>(`SELECT count(*) AS n FROM notifications WHERE status = 'sent'`))[0].n) < 1000) {
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await new Promise((resolve) => setTimeout(resolve, 1000)); // room for a duplicate to show up
    const perPhone = new Map<string, number>();
    for (const call of stack.twilio.sent()) perPhone.set(call.to, (perPhone.get(call.to) ?? 0) + 1);
    const duplicates = [...perPhone.values()].reduce((sum, n) => sum + n - 1, 0);
    const rows = await stack.environment.query<{ status: string; count: string }>(`SELECT status, count(*) FROM notifications GROUP BY status`);
    const recoveredIn = Math.max(...stack.twilio.sent().map((c) => c.at)) - killedAt;
    const [takeovers] = await stack.environment.query<{ taken_over: string; found_at_provider: string }>(
      `SELECT count(*) FILTER (WHERE claims > 1) AS taken_over, count(*) FILTER (WHERE recovered) AS found_at_provider FROM (
         SELECT notification_id, count(*) FILTER (WHERE status = 'sending') AS claims,
                bool_or((detail->>'recoveredFromCrashedWorker')::boolean) AS recovered
         FROM notification_events GROUP BY notification_id) per_notification`,
    );
    process.stdout.write(
      `kill -9 mid-batch: ${perPhone.size}/1000 recipients reached, ${duplicates} duplicate sends; ` +
        `${takeovers.taken_over} sends taken over from the dead worker, ${takeovers.found_at_provider} of them found already accepted ` +
        `at the provider (not resent); last send ${recoveredIn} ms after the kill\n`,
    );
    expect(Number(takeovers.taken_over)).toBeGreaterThan(0); // the kill really did land mid-send
    expect(rows).toEqual([{ status: 'sent', count: '1000' }]);
    expect(perPhone.size).toBe(1000);
    expect(duplicates).toBe(0);
  });
});
