import { HeraldClient, mapConcurrent } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';
import { PrivateRedisSentinel } from '../support/private-redis-sentinel';

jest.setTimeout(90_000);
// In about a third of full-suite runs every request made after the primary died was answered 503 at once: ioredis'
// failover detector, told of the failover while the client was already reconnecting, ended the client for good. It is
// no longer used (libs/redis). One retry stays until full-suite runs have shown that gone; the first failure of a try
// is still printed. Each try gets a fresh Sentinel group and stack.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

const BATCH = 300;
/** The primary dies once this many of the batch have reached the provider: mid-batch, with more still being created. */
const KILL_AFTER_SENT = 60;

describe('Herald on a Sentinel-managed Redis', () => {
  let group: PrivateRedisSentinel;
  let stack: HeraldStack;
  let merchant: HeraldClient;

  beforeEach(async () => {
    group = await PrivateRedisSentinel.start();
    // A short provider timeout keeps the `sending` lease short, should a send's job be lost with the primary.
    stack = await startStack({ workers: 2, env: { ...group.env, RECONCILE_EVERY: 'PT2S', PROVIDER_TIMEOUT_MS: '3000' } });
    merchant = await stack.client.createMerchant({ name: 'Fromagerie Nord' });
  });
  afterEach(async () => {
    await stack?.stop();
    await group?.stop();
  });

  it('loses nothing when the primary is killed mid-batch: the replica takes over and every notification ends sent', async () => {
    stack.twilio.delayMs = 20; // a provider that takes a moment, so sends are in flight when the primary dies
    const phones = Array.from({ length: BATCH }, (_, i) => `+3365${String(1000000 + i)}`);
    const statuses: number[] = [];
    const creating = mapConcurrent(phones, 10, async (phone) => {
      const created = await merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone }, body: 'Your cheese is ready' });
      statuses.push(created.status);
    });

    await stack.twilio.waitForSent(KILL_AFTER_SENT, 30_000);
    const killedAt = Date.now();
    const createdBeforeKill = statuses.length;
    const sentBeforeKill = stack.twilio.sent().length;
    await group.primary.stop(); // SIGKILL
    const failover = (async () => {
      while ((await group.primaryPort()) !== group.replica.port) await new Promise((resolve) => setTimeout(resolve, 50));
      return Date.now() - killedAt;
    })();

    await creating;
    const failoverMs = await failover;
    expect(statuses).toEqual(phones.map(() => 201)); // requests during the failover waited for the new primary
    const deadline = Date.now() + 45_000;
    let sent = 0;
    while ((sent = (await stack.environment.query(`SELECT 1 FROM notifications WHERE status = 'sent'`)).length) < BATCH && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const allSentAfterMs = Date.now() - killedAt;
    await new Promise((resolve) => setTimeout(resolve, 1000)); // room for a late duplicate to show up

    const calls = stack.twilio.sent().filter((call) => call.body === 'Your cheese is ready');
    const perPhone = new Map<string, number>();
    for (const call of calls) perPhone.set(call.to, (perPhone.get(call.to) ?? 0) + 1);
    const lost = phones.filter((phone) => !perPhone.has(phone)).length;
    const duplicates = [...perPhone.values()].reduce((extra, count) => extra + count - 1, 0);
    const takeovers = await stack.environment.query<{ takeover: string }>(`SELECT detail->>'takeover' AS takeover FROM notification_events WHERE detail ? 'takeover'`);
    console.log(
      `Sentinel failover: primary killed after ${sentBeforeKill}/${BATCH} sent (${createdBeforeKill} created), replica promoted after ${failoverMs} ms, ` +
        `all ${BATCH} sent ${allSentAfterMs} ms after the kill; lost ${lost}, duplicates ${duplicates}, takeovers ${JSON.stringify(takeovers.map((t) => t.takeover))}`,
    );

    expect(sent).toBe(BATCH);
    expect(lost).toBe(0);
    expect(sentBeforeKill).toBeLessThan(BATCH); // the kill did land mid-batch
    // A message sent twice must be one a takeover resent and recorded as such; none may be silent.
    expect(duplicates).toBeLessThanOrEqual(takeovers.filter((t) => t.takeover !== 'found').length);
  });
});
