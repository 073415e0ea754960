import { Logger } from '@nestjs/common';
import { ChannelAdapter, OutgoingMessage, ProviderError, ProviderReceipt } from '@herald/channels';
import { currentWeight, RoutedSmsChannel } from './routed-sms.channel';
import { PendingSend, ProviderHealth, SmsProviderHealth } from './sms-provider-health.repository';

/** The health the workers would share in Redis, kept in memory: breaker state is set by each test. */
class MemoryHealth {
  readonly states = new Map<string, ProviderHealth>();
  readonly reports: Array<{ provider: string; ok: boolean }> = [];
  readonly pendings = new Map<string, PendingSend>();
  readonly breakerSettings = { failures: 3, cooldownMs: 1000, slowCallMs: 60_000 };
  /** 0: a provider's "not taken" is believed at once (the tests that want a window set one). */
  settleMs = 0;
  probeAvailable = false;

  state(provider: string): ProviderHealth {
    return this.states.get(provider) ?? { breaker: 'closed', share: 1, errorRate: 0, latencyMs: 0, consecutiveFailures: 0, openedAt: 0, probeAt: 0 };
  }
  async read(providers: readonly string[]) {
    return new Map(providers.map((p) => [p, this.state(p)]));
  }
  /** Opens a provider's breaker on its `failures`-th failure in a row, as the Redis script does. */
  async report(provider: string, ok: boolean): Promise<'opened' | ''> {
    this.reports.push({ provider, ok });
    const state = this.state(provider);
    const consecutiveFailures = ok ? 0 : state.consecutiveFailures + 1;
    const opens = state.breaker === 'closed' && consecutiveFailures >= this.breakerSettings.failures;
    this.states.set(provider, { ...state, consecutiveFailures, breaker: opens ? 'open' : state.breaker });
    return opens ? 'opened' : '';
  }
  async claimProbe() {
    return this.probeAvailable;
  }
  async markPending(id: string, pending: PendingSend) {
    this.pendings.set(id, pending);
  }
  async pending(id: string) {
    return this.pendings.get(id) ?? null;
  }
  async clearPending(id: string) {
    this.pendings.delete(id);
  }
}

/** A provider whose next answers a test scripts: a receipt, or a ProviderError. */
class ScriptedProvider implements ChannelAdapter {
  readonly sender: string;
  readonly sends: OutgoingMessage[] = [];
  /** `hang`: no answer until `answerHung()`; a number: accepted after that many ms. */
  answers: Array<ProviderError | 'ok' | 'hang' | number> = [];
  lookups = 0;
  private readonly hung: Array<() => void> = [];
  constructor(
    readonly provider: string,
    private readonly lookup?: () => Promise<ProviderReceipt | null>,
  ) {
    this.sender = `+1500555000${provider.length}`;
    if (lookup) this.findAccepted = async () => (this.lookups++, lookup());
  }
  findAccepted?: (message: OutgoingMessage, since: Date) => Promise<ProviderReceipt | null>;
  async send(message: OutgoingMessage): Promise<ProviderReceipt> {
    this.sends.push(message);
    const receipt = { provider: this.provider, providerMessageId: `${this.provider}-${this.sends.length}` };
    const answer = this.answers.shift() ?? 'ok';
    if (answer === 'hang') return new Promise((resolve) => this.hung.push(() => resolve(receipt)));
    if (typeof answer === 'number') return new Promise((resolve) => setTimeout(() => resolve(receipt), answer));
    if (answer !== 'ok') throw answer;
    return receipt;
  }
  /** The calls left hanging are taken after all. */
  answerHung(): void {
    for (const answer of this.hung.splice(0)) answer();
  }
}

const message: OutgoingMessage = { notificationId: 'n-1', to: '+33612345678', body: 'Your order is ready' };
const transient = (provider: string, code = 'http_500', ambiguous = false) => new ProviderError(provider, 'transient', code, 'failed', undefined, ambiguous);

describe('SMS routing between providers', () => {
  let health: MemoryHealth;
  let twilio: ScriptedProvider;
  let vonage: ScriptedProvider;
  /** Draws at 0.0: the first provider with any weight. */
  const router = (draw = 0) => new RoutedSmsChannel([{ channel: twilio, weight: 70 }, { channel: vonage, weight: 30 }], health as unknown as SmsProviderHealth, () => draw);

  beforeAll(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());
  beforeEach(() => {
    health = new MemoryHealth();
    twilio = new ScriptedProvider('twilio', async () => null);
    vonage = new ScriptedProvider('vonage');
  });

  it('draws by weight times share, and gives nothing to a provider whose breaker is open', async () => {
    expect((await router(0.69).send(message)).provider).toBe('twilio');
    expect((await router(0.71).send(message)).provider).toBe('vonage');
    health.states.set('twilio', { ...health.state('twilio'), share: 0.2 });
    // 14 against 30: a draw at 0.5 of 44 lands on Vonage.
    const receipt = await router(0.5).send(message);
    expect(receipt).toMatchObject({ provider: 'vonage', detail: { route: { provider: 'vonage', reason: 'weighted', weights: { twilio: 14, vonage: 30 } } } });
    health.states.set('twilio', { ...health.state('twilio'), breaker: 'open' });
    expect(currentWeight({ channel: twilio, weight: 70 }, health.state('twilio'))).toBe(0);
    expect((await router(0).send(message)).provider).toBe('vonage');
  });

  it('lets one probe through an open breaker when the health says it is due', async () => {
    health.states.set('twilio', { ...health.state('twilio'), breaker: 'open' });
    health.probeAvailable = true;
    expect(await router(0.99).send(message)).toMatchObject({ provider: 'twilio', detail: { route: { reason: 'probe' } } });
  });

  it('sends at once through another provider after a transient failure that never reached the first', async () => {
    twilio.answers = [transient('twilio', 'http_503')];
    const receipt = await router().send(message);
    expect(receipt).toMatchObject({ provider: 'vonage', detail: { route: { provider: 'vonage', reason: 'failover', from: 'twilio', fromCode: 'http_503' } } });
    expect(health.reports).toEqual([
      { provider: 'twilio', ok: false },
      { provider: 'vonage', ok: true },
    ]);
    expect(health.pendings.size).toBe(0);
  });

  it('never switches on a permanent error, and does not count it against the provider', async () => {
    twilio.answers = [new ProviderError('twilio', 'permanent', '21211', 'invalid number')];
    await expect(router().send(message)).rejects.toMatchObject({ provider: 'twilio', code: '21211' });
    expect(vonage.sends).toHaveLength(0);
    expect(health.reports).toEqual([]);
  });

  it('sends through another provider when the first refuses its own account (bad credentials), and counts that against it', async () => {
    twilio.answers = [new ProviderError('twilio', 'permanent', '20003', 'Authenticate')];
    expect(await router().send(message)).toMatchObject({ provider: 'vonage', detail: { route: { reason: 'failover', from: 'twilio', fromCode: '20003' } } });
    expect(health.reports[0]).toEqual({ provider: 'twilio', ok: false });
  });

  it('asks the provider after a timeout: found, it is not sent again anywhere', async () => {
    twilio = new ScriptedProvider('twilio', async () => ({ provider: 'twilio', providerMessageId: 'SM-found' }));
    twilio.answers = [transient('twilio', 'timeout', true)];
    expect(await router().send(message)).toMatchObject({ providerMessageId: 'SM-found', detail: { route: { provider: 'twilio', reason: 'found' } } });
    expect(vonage.sends).toHaveLength(0);
  });

  it('after a timeout the provider says it never took: another provider sends it', async () => {
    twilio.answers = [transient('twilio', 'timeout', true)];
    expect(await router().send(message)).toMatchObject({ provider: 'vonage', detail: { route: { reason: 'failover', from: 'twilio', fromCode: 'timeout' } } });
    expect(twilio.lookups).toBe(1);
  });

  it('believes a provider’s “not taken” only once the call our side gave up on is over: until then nothing is sent anywhere', async () => {
    health.settleMs = 60_000;
    let taken = false;
    twilio = new ScriptedProvider('twilio', async () => (taken ? { provider: 'twilio', providerMessageId: 'SM-late' } : null));
    twilio.answers = [transient('twilio', 'timeout', true)];
    await expect(router().send(message)).rejects.toMatchObject({ code: 'timeout', ambiguous: true, retryAfterMs: expect.any(Number) });
    expect(vonage.sends).toHaveLength(0);
    // The retry, still inside the window: asked again, not sent anywhere.
    await expect(router(0.99).send(message)).rejects.toMatchObject({ provider: 'twilio', code: 'awaiting_provider', kind: 'transient' });
    expect([twilio.sends.length, vonage.sends.length, twilio.lookups]).toEqual([1, 0, 2]);
    // Twilio took the call late: the next look finds it, and it is sent nowhere again.
    taken = true;
    expect(await router(0.99).send(message)).toMatchObject({ providerMessageId: 'SM-late', detail: { route: { provider: 'twilio', reason: 'found' } } });
    expect([twilio.sends.length, vonage.sends.length]).toEqual([1, 0]);
    expect(health.pendings.size).toBe(0);
  });

  it('keeps a timed-out send on a provider that cannot be asked (Vonage), on this attempt and the next', async () => {
    vonage.answers = [transient('vonage', 'timeout', true)];
    await expect(router(0.99).send(message)).rejects.toMatchObject({ provider: 'vonage', ambiguous: true });
    expect(twilio.sends).toHaveLength(0);
    expect(health.pendings.get('n-1')).toMatchObject({ provider: 'vonage' });
    // The next attempt would draw Twilio (0.0), but the message may be at Vonage: it goes there again.
    expect(await router(0).send(message)).toMatchObject({ provider: 'vonage', detail: { route: { provider: 'vonage', reason: 'unconfirmed' } } });
    expect(twilio.sends).toHaveLength(0);
    expect(health.pendings.size).toBe(0);
  });

  it('keeps the first unanswered call in mind when the provider it stays on fails plainly next time', async () => {
    vonage.answers = [transient('vonage', 'timeout', true), transient('vonage', 'http_500')];
    await expect(router(0.99).send(message)).rejects.toMatchObject({ code: 'timeout' });
    const firstMark = health.pendings.get('n-1');
    await expect(router(0).send(message)).rejects.toMatchObject({ code: 'http_500' });
    // The first call may still have reached Vonage: the message is still Vonage's, asked about since that call.
    expect(health.pendings.get('n-1')).toEqual(firstMark);
    expect(await router(0).send(message)).toMatchObject({ provider: 'vonage' });
    expect(twilio.sends).toHaveLength(0);
  });

  it('keeps a timed-out send on Twilio while Twilio cannot answer whether it took it', async () => {
    twilio = new ScriptedProvider('twilio', async () => {
      throw transient('twilio', 'timeout', true);
    });
    twilio.answers = [transient('twilio', 'timeout', true), transient('twilio', 'timeout', true)];
    await expect(router().send(message)).rejects.toMatchObject({ code: 'timeout' });
    await expect(router(0.99).send(message)).rejects.toMatchObject({ code: 'timeout' });
    expect(vonage.sends).toHaveLength(0);
    expect(twilio.sends).toHaveLength(2);
  });

  it('stops waiting for a provider that leaves its calls unanswered once its breaker opens: those sends wait, sent nowhere, and the next go elsewhere', async () => {
    health.breakerSettings.slowCallMs = 30;
    health.settleMs = 60_000;
    twilio.answers = ['hang', 'hang', 'hang'];
    const routed = router();
    const unanswered = await Promise.allSettled(['n-1', 'n-2', 'n-3'].map((notificationId) => routed.send({ ...message, notificationId })));
    for (const outcome of unanswered) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: { provider: 'twilio', code: 'unanswered', ambiguous: true } });
      // Twilio may still take them: asked again once its "not taken" can be believed, not before.
      expect((outcome as PromiseRejectedResult).reason.retryAfterMs).toBeGreaterThan(55_000);
    }
    expect(health.reports).toEqual([1, 2, 3].map(() => ({ provider: 'twilio', ok: false })));
    expect([...health.pendings.values()].map((p) => p.provider)).toEqual(['twilio', 'twilio', 'twilio']);
    expect(vonage.sends).toHaveLength(0);
    expect(await routed.send({ ...message, notificationId: 'n-4' })).toMatchObject({ provider: 'vonage' });
    // Twilio answers the abandoned calls late: they were counted once, when they went unanswered.
    twilio.answerHung();
    await new Promise((resolve) => setImmediate(resolve));
    expect(health.reports.filter((r) => r.provider === 'twilio')).toHaveLength(3);
  });

  it('waits to the answer for a provider that cannot be asked, even once its breaker opens: a message it takes late is sent once', async () => {
    health.breakerSettings.slowCallMs = 30;
    vonage.answers = ['hang', 'hang', 'hang'];
    const routed = router(0.99);
    const sends = Promise.allSettled(['n-1', 'n-2', 'n-3'].map((notificationId) => routed.send({ ...message, notificationId })));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(health.state('vonage').breaker).toBe('open');
    // The next sends go to Twilio; Vonage's three calls are still awaited.
    expect(await routed.send({ ...message, notificationId: 'n-4' })).toMatchObject({ provider: 'twilio' });
    vonage.answerHung();
    const outcomes = await sends;
    expect(outcomes.map((outcome) => outcome.status === 'fulfilled' && outcome.value.provider)).toEqual(['vonage', 'vonage', 'vonage']);
    expect(vonage.sends).toHaveLength(3);
    expect(health.pendings.size).toBe(0);
  });

  it('counts a slow answer once against its provider, and takes it while the breaker stays closed', async () => {
    health.breakerSettings.slowCallMs = 20;
    twilio.answers = [120];
    expect(await router().send(message)).toMatchObject({ provider: 'twilio', detail: { route: { reason: 'weighted' } } });
    expect(health.reports).toEqual([{ provider: 'twilio', ok: false }]);
    expect(health.pendings.size).toBe(0);
  });

  it('answers a takeover from the provider a crashed worker was calling, or null when it called none', async () => {
    const routed = router();
    expect(await routed.findAccepted(message, new Date())).toBeNull();
    await health.markPending('n-1', { provider: 'vonage', since: Date.now() });
    await expect(routed.findAccepted(message, new Date())).rejects.toMatchObject({ code: 'no_lookup' });
    await health.markPending('n-1', { provider: 'twilio', since: Date.now() });
    expect(await routed.findAccepted(message, new Date())).toBeNull();
    expect(twilio.lookups).toBe(1);
  });

  it('fails transiently, with the last provider error, when every provider failed', async () => {
    twilio.answers = [transient('twilio', 'http_500')];
    vonage.answers = [transient('vonage', 'vonage_5')];
    await expect(router().send(message)).rejects.toMatchObject({ provider: 'vonage', code: 'vonage_5', kind: 'transient' });
  });
});
