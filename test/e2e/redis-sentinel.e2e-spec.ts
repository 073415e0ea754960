import { HeraldClient, mapConcurrent } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';
import { PrivateRedisSentinel } from '../support/private-redis-sentinel';
import { TestCertificate } from '../support/test-certificate';

jest.setTimeout(90_000);

const BATCH = 300;
/** The primary dies once this many of the batch have reached the provider: mid-batch, with more still being created. */
const KILL_AFTER_SENT = 60;

// Locked as a managed Redis is: TLS everywhere (a self-signed certificate), an ACL user on the data servers (the
// default user disabled) and a password on the sentinel; Herald gets in with REDIS_USERNAME, REDIS_PASSWORD,
// REDIS_SENTINEL_PASSWORD, REDIS_TLS and REDIS_TLS_CA.
describe('Herald on a Sentinel-managed Redis, over TLS with passwords', () => {
  let certificate: TestCertificate;
  let group: PrivateRedisSentinel;
  let stack: HeraldStack;
  let merchant: HeraldClient;

  beforeEach(async () => {
    certificate = await TestCertificate.create();
    group = await PrivateRedisSentinel.start('herald', {
      tls: certificate,
      user: { name: 'herald', password: 'data-servers-password' },
      sentinelPassword: 'sentinel-password',
    });
    // A short provider timeout keeps the `sending` lease short, should a send's job be lost with the primary.
    stack = await startStack({ workers: 2, env: { ...group.env, RECONCILE_EVERY: 'PT2S', PROVIDER_TIMEOUT_MS: '3000' } });
    merchant = await stack.client.createMerchant({ name: 'Fromagerie Nord' });
  });
  afterEach(async () => {
    await stack?.stop();
    await group?.stop();
    certificate?.remove();
  });

  it('loses nothing when the primary is killed mid-batch: the replica takes over and every notification ends sent', async () => {
    stack.twilio.delayMs = 20; // a provider that takes a moment, so sends are in flight when the primary dies
    const phones = Array.from({ length: BATCH }, (_, i) => `+3365${String(1000000 + i)}`);
    const answers: { status: number; notification: string }[] = [];
    const creating = mapConcurrent(phones, 10, async (phone) => {
      const created = await merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone }, body: 'Your cheese is ready' });
      answers.push({ status: created.status, notification: created.body.status });
    });

    await stack.twilio.waitForSent(KILL_AFTER_SENT, 30_000);
    const killedAt = Date.now();
    const createdBeforeKill = answers.length;
    const sentBeforeKill = stack.twilio.sent().length;
    await group.primary.stop(); // SIGKILL
    const failover = (async () => {
      while ((await group.primaryPort()) !== group.replica.port) await new Promise((resolve) => setTimeout(resolve, 50));
      return Date.now() - killedAt;
    })();

    await creating;
    const failoverMs = await failover;
    // Every request is accepted, those during the failover too: each notification is stored `queued`, and a job Redis
    // could not take then is put back by the reconciliation. A 5xx would have invited a retry that sends it twice.
    expect(answers).toEqual(phones.map(() => ({ status: 201, notification: 'queued' })));
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
