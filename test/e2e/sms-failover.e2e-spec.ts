import { setTimeout as sleep } from 'node:timers/promises';
import { HeraldClient, mapConcurrent } from '../support/herald-client';
import { HeraldStack, startStack, VONAGE_FROM } from '../support/herald-stack';

jest.setTimeout(150_000);

/**
 * Twilio's breaker opens after 3 transient failures in a row (a call unanswered after 3 s counts as one) and probes 2 s
 * later; a provider call gives up after 6 s. Both are far above the fakes' answer times on a loaded machine, where the
 * fakes share two cores with the rest of the suite: a healthy provider must not look slow or timed out (a Vonage call
 * that timed out may have been taken, and can only be sent again blindly).
 */
const ROUTING_ENV = {
  SMS_PROVIDERS: 'twilio:70,vonage:30',
  SMS_BREAKER_FAILURES: '3',
  SMS_BREAKER_COOLDOWN: 'PT2S',
  SMS_BREAKER_SLOW_CALL: 'PT3S',
  PROVIDER_TIMEOUT_MS: '6000',
  JOB_ATTEMPTS: '12',
  JOB_BACKOFF_MS: '500',
  WORKER_CRITICAL_CONCURRENCY: '25',
};

interface Outcome {
  id: string;
  createdAt: number;
  sentAt: number;
  provider: string;
  route: { provider: string; reason: string; from?: string } | undefined;
}

/**
 * Two SMS providers behind the router, two worker processes (25 sends in flight each), real Redis and Postgres, fakes
 * for Twilio and Vonage: while one provider fails (HTTP 500, then no answer at all) and comes back, every SMS is sent,
 * once in total across both providers, and traffic moves away and comes back.
 */
describe('SMS routing between Twilio and Vonage by health', () => {
  let stack: HeraldStack;
  let merchant: HeraldClient;
  let serial = 0;

  beforeAll(async () => {
    stack = await startStack({ workers: 2, env: ROUTING_ENV });
    merchant = await stack.client.createMerchant();
  });
  afterAll(() => stack?.stop());

  /** One SMS; every body is unique, so a provider's message list tells one notification's message from another's. */
  async function createSms(): Promise<{ id: string; createdAt: number }> {
    serial += 1;
    const phone = `+3365${String(serial).padStart(7, '0')}`;
    const createdAt = Date.now();
    const created = await merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone }, body: `Order ${serial} is ready` });
    expect(created.status).toBe(201);
    return { id: created.body.id, createdAt };
  }

  /** Creates `count` SMS at `perSecond`, running `at[ms]` steps on the way; resolves with them once all are created. */
  async function produce(count: number, perSecond: number, at: Record<number, () => void> = {}): Promise<{ id: string; createdAt: number }[]> {
    const start = Date.now();
    const steps = Object.entries(at).map(([ms, step]) => sleep(Number(ms)).then(step));
    const created = await mapConcurrent(
      Array.from({ length: count }, (_, i) => i),
      20,
      async (i) => {
        const wait = start + (i * 1000) / perSecond - Date.now();
        if (wait > 0) await sleep(wait);
        return createSms();
      },
    );
    await Promise.all(steps);
    return created;
  }

  async function outcomes(created: { id: string; createdAt: number }[], timeoutMs = 90_000): Promise<Outcome[]> {
    return mapConcurrent(created, 20, async ({ id, createdAt }) => {
      const sent = await merchant.waitFor(`/v1/notifications/${id}`, (n: any) => ['sent', 'dead'].includes(n.status), timeoutMs);
      expect(sent).toMatchObject({ status: 'sent' });
      const event = sent.events.find((e: any) => e.status === 'sent');
      return { id, createdAt, sentAt: Date.parse(event.at), provider: sent.provider, route: event.detail.route };
    });
  }

  /** Accepted messages per notification, across both providers: what customers' phones receive. */
  function acceptedPerNotification(): Map<string, { twilio: number; vonage: number }> {
    const counts = new Map<string, { twilio: number; vonage: number }>();
    const count = (id: string, provider: 'twilio' | 'vonage') => {
      const entry = counts.get(id) ?? { twilio: 0, vonage: 0 };
      entry[provider] += 1;
      counts.set(id, entry);
    };
    for (const call of stack.twilio.sent()) count(new URL(call.statusCallback!).searchParams.get('notificationId')!, 'twilio');
    for (const call of stack.vonage.sent()) count(call.clientRef!, 'vonage');
    return counts;
  }

  function expectEachSentOnce(outcomes: Outcome[]): void {
    const accepted = acceptedPerNotification();
    const wrong = outcomes.filter(({ id, provider }) => {
      const entry = accepted.get(id);
      return !entry || entry.twilio + entry.vonage !== 1 || entry[provider as 'twilio' | 'vonage'] !== 1;
    });
    expect(wrong.map(({ id }) => ({ id, accepted: accepted.get(id) }))).toEqual([]);
  }

  /** Until both breakers are closed and both providers have their whole configured weight back (70 and 30). */
  async function waitForRestingWeights(): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ready = await stack.client.request('GET', '/health/ready');
      const providers: { breaker: string; weight: number }[] = ready.body.details?.smsProviders?.providers ?? [];
      if (providers.length === 2 && providers.every((p) => p.breaker === 'closed') && providers[0].weight >= 66 && providers[1].weight >= 28) return;
      if (Date.now() > deadline) throw new Error(`providers not back to their weights: ${JSON.stringify(providers)}`);
      // Sends are what close a breaker (a probe) and earn a provider's share back: keep a trickle going.
      await Promise.all([createSms(), createSms(), createSms(), createSms()]);
      await sleep(150);
    }
  }

  const summary = (label: string, figures: Record<string, unknown>) => console.log(`${label}: ${JSON.stringify(figures)}`);

  it('sends exactly once when Twilio takes the message but its answer times out: Twilio is asked before anything else', async () => {
    stack.twilio.answerDelayMs = 7000;
    const created = await produce(12, 12);
    const sent = await outcomes(created, 30_000);
    stack.twilio.answerDelayMs = 0;
    expectEachSentOnce(sent);
    const found = sent.filter((o) => o.route?.reason === 'found');
    expect(found.length).toBeGreaterThan(0);
    for (const outcome of found) expect(outcome).toMatchObject({ provider: 'twilio', route: { provider: 'twilio', reason: 'found' } });
    summary('answer timeout', { sent: sent.length, foundAtTwilioAfterTimeout: found.length, acceptedCalls: stack.twilio.sent().length + stack.vonage.sent().length });
  });

  it('keeps 1,000 SMS while Twilio fails for 20 s (500s, then no answer) and comes back: none lost, none twice, moved within 5 s, back on Twilio after', async () => {
    await waitForRestingWeights();
    let outageStart = 0;
    let recoveredAt = 0;
    const started = Date.now();
    const created = await produce(1000, 30, {
      3000: () => {
        outageStart = Date.now();
        stack.twilio.failAlways({ status: 500, code: 20500, message: 'Internal Server Error' });
      },
      13_000: () => {
        stack.twilio.failAlways({ status: 0, hang: true });
        stack.twilio.failListAlways({ status: 0, hang: true });
      },
      23_000: () => {
        recoveredAt = Date.now();
        stack.twilio.recover();
      },
    });
    const sent = await outcomes(created);
    const allSentIn = Date.now() - started;
    expectEachSentOnce(sent);

    const beforeOutage = sent.filter((o) => o.sentAt < outageStart);
    const onTwilioBefore = beforeOutage.filter((o) => o.provider === 'twilio').length;
    expect(onTwilioBefore).toBeGreaterThan(beforeOutage.length * 0.5);
    const duringOutage = sent.filter((o) => o.createdAt >= outageStart && o.createdAt < recoveredAt);
    const delays = duringOutage.map((o) => o.sentAt - o.createdAt).sort((a, b) => a - b);
    const slow = duringOutage.filter((o) => o.sentAt - o.createdAt > 5000);
    // Only sends whose Twilio call went unanswered wait for Twilio (they may have been taken): never elsewhere before it answers.
    expect(slow.length).toBeLessThanOrEqual(duringOutage.length * 0.05);
    const firstAtVonageByFailover = sent.filter((o) => o.route?.reason === 'failover' && o.route.from === 'twilio' && o.sentAt >= outageStart).map((o) => o.sentAt);
    const switchMs = Math.min(...firstAtVonageByFailover) - outageStart;
    expect(switchMs).toBeLessThan(5000);
    // Once its breaker is open, Twilio gets only the probes (one per 2 s cool-down) and the sends waiting for its word.
    const callsToTwilioOnceOpen = stack.twilio.calls.filter((c) => c.at >= outageStart + 1000 && c.at < recoveredAt).length;
    expect(callsToTwilioOnceOpen).toBeLessThan(30);

    // Back on Twilio: a probe closes its breaker, and its share grows back with each success.
    const firstBackOnTwilioMs = Math.min(...sent.filter((o) => o.provider === 'twilio' && o.sentAt >= recoveredAt).map((o) => o.sentAt)) - recoveredAt;
    expect(firstBackOnTwilioMs).toBeLessThan(60_000);
    const after = sent.filter((o) => o.createdAt >= recoveredAt + 5000);
    const backOnTwilio = after.filter((o) => o.provider === 'twilio').length;
    expect(backOnTwilio).toBeGreaterThan(after.length * 0.3);
    // Operators heard it once when Twilio failed and once when it was back, whichever worker saw it.
    const alerts = stack.slack.messages.filter((m) => m.at >= outageStart && m.text?.includes('provider twilio')).map((m) => m.text);
    expect(alerts).toEqual(['SMS provider twilio is failing: traffic moved to vonage', 'SMS provider twilio is back: its traffic returns step by step']);
    summary('Twilio outage', {
      sms: sent.length,
      allSentInMs: allSentIn,
      switchMs,
      outageDelayMs: { p50: delays[Math.floor(delays.length / 2)], p95: delays[Math.floor(delays.length * 0.95)], max: delays.at(-1) },
      waitedForTwilio: slow.length,
      callsToTwilioOnceOpen,
      firstBackOnTwilioMs,
      beforeOutage: { twilio: onTwilioBefore, vonage: beforeOutage.length - onTwilioBefore },
      byProvider: { twilio: sent.filter((o) => o.provider === 'twilio').length, vonage: sent.filter((o) => o.provider === 'vonage').length },
      afterRecovery: { twilio: backOnTwilio, vonage: after.length - backOnTwilio },
    });
  });

  it('keeps 1,000 SMS while Vonage fails for 20 s (500s, then no answer) and comes back: its unanswered sends stay on Vonage, none twice', async () => {
    await waitForRestingWeights();
    let outageStart = 0;
    let recoveredAt = 0;
    const created = await produce(1000, 30, {
      3000: () => {
        outageStart = Date.now();
        stack.vonage.failAlways({ httpStatus: 500 });
      },
      13_000: () => stack.vonage.failAlways({ hang: true }),
      23_000: () => {
        recoveredAt = Date.now();
        stack.vonage.recover();
      },
    });
    const sent = await outcomes(created);
    expectEachSentOnce(sent);
    const duringOutage = sent.filter((o) => o.createdAt >= outageStart && o.createdAt < recoveredAt);
    // A healthy Vonage gets about 180 calls in those 20 s (30 % of 30/s). Once open: the probes, and the sends it left
    // unanswered, which stay with it and are tried there again, each waiting out a whole 6 s timeout (7–20 in loaded runs).
    const callsToVonageOnceOpen = stack.vonage.calls.filter((c) => c.at >= outageStart + 1000 && c.at < recoveredAt).length;
    expect(callsToVonageOnceOpen).toBeLessThan(45);
    const slow = duringOutage.filter((o) => o.sentAt - o.createdAt > 5000);
    expect(slow.length).toBeLessThanOrEqual(duringOutage.length * 0.05);
    // Vonage cannot be asked whether it took a message: a send it left unanswered goes again to Vonage, never to Twilio.
    const unconfirmed = sent.filter((o) => o.route?.reason === 'unconfirmed');
    for (const o of unconfirmed) expect(o.provider).toBe('vonage');
    const failovers = sent.filter((o) => o.route?.reason === 'failover' && o.route.from === 'vonage');
    expect(failovers.length).toBeGreaterThan(0);
    const switchMs = Math.min(...failovers.map((o) => o.sentAt)) - outageStart;
    expect(switchMs).toBeLessThan(5000);
    // Back on Vonage: its probe closes the breaker, and its share (30 against Twilio's 70) grows back from a tenth.
    const firstBackOnVonageMs = Math.min(...sent.filter((o) => o.provider === 'vonage' && o.sentAt >= recoveredAt).map((o) => o.sentAt)) - recoveredAt;
    expect(firstBackOnVonageMs).toBeLessThan(60_000);
    const after = sent.filter((o) => o.createdAt >= recoveredAt + 5000);
    const backOnVonage = after.filter((o) => o.provider === 'vonage').length;
    expect(backOnVonage).toBeGreaterThan(0);
    summary('Vonage outage', {
      sms: sent.length,
      switchMs,
      unconfirmedResentOnVonage: unconfirmed.length,
      callsToVonageOnceOpen,
      waitedForVonage: slow.length,
      byProvider: { twilio: sent.filter((o) => o.provider === 'twilio').length, vonage: sent.filter((o) => o.provider === 'vonage').length },
      firstBackOnVonageMs,
      afterRecovery: { twilio: after.length - backOnVonage, vonage: backOnVonage },
    });
  });

  it('resolves a killed worker’s sends with the provider each was at: Twilio is asked, Vonage’s go again to Vonage only', async () => {
    await waitForRestingWeights();
    // Every send stays 1.5 s at its provider, which takes it all the same after its worker is gone.
    stack.twilio.delayMs = 1500;
    stack.vonage.delayMs = 1500;
    const [victim] = stack.workers;
    const created = await produce(40, 80);
    for (const deadline = Date.now() + 10_000; stack.twilio.requestsInFlight + stack.vonage.requestsInFlight < 20 && Date.now() < deadline; ) await sleep(10);
    await victim.kill();
    stack.twilio.delayMs = 0;
    stack.vonage.delayMs = 0;
    await stack.addWorker();
    const sent = await outcomes(created, 40_000);

    const accepted = acceptedPerNotification();
    const atBoth = sent.filter(({ id }) => accepted.get(id)!.twilio > 0 && accepted.get(id)!.vonage > 0);
    expect(atBoth).toEqual([]);
    const twiceAtTwilio = sent.filter(({ id }) => accepted.get(id)!.twilio > 1);
    expect(twiceAtTwilio).toEqual([]);
    const found = sent.filter((o) => o.route?.reason === 'found');
    expect(found.length).toBeGreaterThan(0);
    for (const o of found) expect(o.provider).toBe('twilio');
    const againAtVonage = sent.filter(({ id }) => accepted.get(id)!.vonage > 1);
    for (const o of againAtVonage) expect(o.route).toMatchObject({ provider: 'vonage', reason: 'unconfirmed' });
    summary('worker killed mid-send', { sms: sent.length, foundAtTwilio: found.length, sentAgainAtVonage: againAtVonage.length, atBothProviders: atBoth.length });
  });

  it('stops texting a customer who texted STOP to the Vonage number, whichever provider would carry the next SMS', async () => {
    const phone = '+33659999001';
    expect((await stack.vonage.sendInbound(`${stack.apiUrl}/webhooks/vonage/inbound`, { msisdn: phone, to: VONAGE_FROM, text: 'STOP' })).status).toBe(204);
    const calls = stack.twilio.calls.length + stack.vonage.calls.length;
    const created = await Promise.all(
      [1, 2, 3].map(() => merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone }, body: 'Your order is ready' })),
    );
    for (const { body } of created) {
      expect(await merchant.waitFor(`/v1/notifications/${body.id}`, (n: any) => n.status !== 'queued' && n.status !== 'scheduled')).toMatchObject({
        status: 'skipped',
        statusReason: 'opted_out',
      });
    }
    expect(stack.twilio.calls.length + stack.vonage.calls.length).toBe(calls);
  });

  it('sends each SMS from the merchant’s own number at the provider that carries it; a STOP to any of them stops them all, for that merchant only', async () => {
    const twilioNumber = '+33757000101';
    const vonageNumber = '+33757000102';
    const shop = await stack.client.createMerchant({ name: 'Épicerie Soleil' });
    const other = await stack.client.createMerchant({ name: 'Fromagerie Nord' });
    expect(await shop.request('PATCH', '/v1/merchant', { smsFromByProvider: { vonage: vonageNumber } })).toMatchObject({ status: 422, body: { code: 'sms_sender_required' } });
    expect(await shop.request('PATCH', '/v1/merchant', { smsFromByProvider: { plivo: vonageNumber } })).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    expect(await shop.request('PATCH', '/v1/merchant', { smsFromByProvider: { vonage: '0612345678' } })).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    const set = await shop.request('PATCH', '/v1/merchant', { smsFrom: twilioNumber, smsFromByProvider: { vonage: vonageNumber } });
    expect(set).toMatchObject({ status: 200, body: { smsFrom: twilioNumber, smsFromByProvider: { vonage: vonageNumber } } });
    // A number is one merchant's, whichever field names it.
    expect(await other.request('PATCH', '/v1/merchant', { smsFrom: vonageNumber })).toMatchObject({ status: 409, body: { code: 'sms_sender_taken' } });
    expect(await other.request('PATCH', '/v1/merchant', { smsFrom: '+33757000103', smsFromByProvider: { twilio: twilioNumber } })).toMatchObject({
      status: 409,
      body: { code: 'sms_sender_taken' },
    });
    expect((await other.request('GET', '/v1/merchant')).body).toMatchObject({ smsFrom: null, smsFromByProvider: {} });

    const phones = Array.from({ length: 30 }, (_, i) => `+3366${String(i).padStart(7, '0')}`);
    const created = await mapConcurrent(phones, 10, async (phone) => (await shop.request('POST', '/v1/notifications', { channel: 'sms', to: { phone }, body: 'Ready' })).body.id);
    const sent = await mapConcurrent(created, 10, (id: string) => shop.waitFor(`/v1/notifications/${id}`, (n: any) => n.status === 'sent'));
    const fromAt = { twilio: new Set<string>(), vonage: new Set<string>() };
    for (const call of stack.twilio.sent().filter((c) => phones.includes(c.to))) fromAt.twilio.add(call.from);
    for (const call of stack.vonage.sent().filter((c) => phones.includes(`+${c.to}`))) fromAt.vonage.add(call.from);
    expect({ twilio: [...fromAt.twilio], vonage: [...fromAt.vonage] }).toEqual({ twilio: [twilioNumber], vonage: [vonageNumber.slice(1)] });
    expect(sent.filter((n: any) => n.provider === 'vonage').length).toBeGreaterThan(0);

    // STOP to the shop's Vonage number: no more texts from the shop, whichever provider would carry them; others still text.
    const customer = '+33659999101';
    expect((await stack.vonage.sendInbound(`${stack.apiUrl}/webhooks/vonage/inbound`, { msisdn: customer, to: vonageNumber, text: 'STOP' })).status).toBe(204);
    const stopped = await Promise.all([1, 2, 3].map(() => shop.request('POST', '/v1/notifications', { channel: 'sms', to: { phone: customer }, body: 'Ready' })));
    for (const { body } of stopped) {
      expect(await shop.waitFor(`/v1/notifications/${body.id}`, (n: any) => !['queued', 'scheduled', 'sending'].includes(n.status))).toMatchObject({
        status: 'skipped',
        statusReason: 'opted_out',
      });
    }
    const fromOther = await other.request('POST', '/v1/notifications', { channel: 'sms', to: { phone: customer }, body: 'Ready' });
    expect(await other.waitFor(`/v1/notifications/${fromOther.body.id}`, (n: any) => ['sent', 'skipped'].includes(n.status))).toMatchObject({ status: 'sent' });

    // Taken back: the shop's Vonage sends go out from its main number again.
    expect((await shop.request('PATCH', '/v1/merchant', { smsFromByProvider: { vonage: null } })).body.smsFromByProvider).toEqual({});
  });

  it('shows each provider’s weight, breaker, error rate and latency in /health/ready’s details and in the metrics', async () => {
    const ready = await stack.client.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details.smsProviders).toMatchObject({
      status: 'up',
      providers: [
        { provider: 'twilio', breaker: expect.any(String), weight: expect.any(Number), errorRate: expect.any(Number), latencySeconds: expect.any(Number) },
        { provider: 'vonage', breaker: expect.any(String), weight: expect.any(Number), errorRate: expect.any(Number), latencySeconds: expect.any(Number) },
      ],
    });
    const metrics = await stack.client.request('GET', '/metrics');
    for (const name of ['herald_sms_provider_weight', 'herald_sms_provider_breaker_state', 'herald_sms_provider_error_rate', 'herald_sms_provider_latency_seconds']) {
      expect(String(metrics.body)).toMatch(new RegExp(`^${name}\\{provider="twilio"\\} `, 'm'));
    }
  });
});
