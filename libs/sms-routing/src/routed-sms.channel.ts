import { Logger } from '@nestjs/common';
import { ChannelAdapter, isAccountFailure, OutgoingMessage, ProviderError, ProviderReceipt } from '@herald/channels';
import { deliveryMetrics } from '@herald/observability';
import { ProviderHealth, SmsProviderHealth } from './sms-provider-health.repository';

/** An SMS provider with its configured (resting) weight. */
export interface WeightedProvider {
  channel: ChannelAdapter;
  weight: number;
}

/**
 * Why a provider carried a send, as the notification's history shows it: `weighted` (drawn by the providers' current
 * weights, listed), `probe` (the one send let through an open breaker to see whether the provider is back), `failover`
 * (another provider failed it transiently first: `from`, `fromCode`), `unconfirmed` (an earlier call to this provider
 * timed out and the provider could not say whether it took the message, so the message may not go elsewhere), or
 * `found` (that earlier call had gone through after all: not sent again).
 */
export interface RouteDetail {
  provider: string;
  reason: 'weighted' | 'probe' | 'failover' | 'unconfirmed' | 'found';
  weights?: Record<string, number>;
  from?: string;
  fromCode?: string | null;
}

interface Route {
  channel: ChannelAdapter;
  detail: RouteDetail;
}

export const ROUTED_PROVIDER = 'routed';

/** The failure of a call the router stopped waiting for: its provider left it unanswered past the slow-call threshold, breaker open. */
export const UNANSWERED_CODE = 'unanswered';

interface WatchedCall {
  /** Counted as a failure of its provider already (unanswered past the slow-call threshold). */
  slow: boolean;
  outcome: Promise<ProviderReceipt>;
  abandon(): void;
}

/**
 * SMS over several providers by health. Each send draws a provider by weight (its configured weight times the share its
 * health left it; none while its breaker is open); a transient failure that surely did not reach the provider (an HTTP
 * error, a refused connection), or a refusal of the provider account (bad credentials, no credit), is tried at once on
 * another provider; any other permanent one (an invalid number, an opted-out recipient, a text too long) is the
 * message's or the recipient's and goes to no other provider. An ambiguous failure (a timeout after the request went)
 * may have been sent: the provider is asked (its `findAccepted`) before any other is tried, and a provider that cannot
 * be asked, or cannot answer, keeps the message (sent again there on the next attempt: at least once, never twice
 * across providers). Which provider a send is at is kept in Redis until its outcome is known, so a crashed worker's
 * send is resolved the same way by whoever takes it over. A call left unanswered past the slow-call threshold counts
 * against its provider at once, and once that provider's breaker is open the send stops waiting for it (see watch).
 */
export class RoutedSmsChannel implements ChannelAdapter {
  readonly provider = ROUTED_PROVIDER;
  /** The first provider's number: the default sender, and the one whose opt-out list platform SMS go by. */
  readonly sender: string;
  private readonly logger = new Logger(RoutedSmsChannel.name);
  private readonly byName: Map<string, WeightedProvider>;
  /** This process's calls to each provider still awaiting an answer. */
  private readonly inFlight = new Map<string, Set<WatchedCall>>();

  constructor(
    private readonly providers: readonly WeightedProvider[],
    private readonly health: SmsProviderHealth,
    private readonly random: () => number = Math.random,
    /** Told once per breaker change across all workers (Redis says which worker's report moved it). */
    private readonly onBreakerChange: (provider: string, change: 'opened' | 'closed') => void = () => undefined,
  ) {
    this.sender = providers[0].channel.sender;
    this.byName = new Map(providers.map((p) => [p.channel.provider, p]));
  }

  async send(message: OutgoingMessage): Promise<ProviderReceipt> {
    const pending = await this.health.pending(message.notificationId);
    let pinned: Route | null = null;
    if (pending) {
      const resolved = await this.resolvePending(message, pending.provider, new Date(pending.since));
      if (resolved.found) return resolved.found;
      if (resolved.unsettledMs) throw unsettled(pending.provider, resolved.unsettledMs);
      pinned = resolved.pinned ?? null;
    }
    const tried: string[] = [];
    let previous: { provider: string; code: string | null } | null = null;
    let lastFailure: ProviderError | null = null;
    for (;;) {
      const route: Route | null = pinned ?? (await this.choose(tried, previous));
      if (!route) {
        throw lastFailure ?? new ProviderError(ROUTED_PROVIDER, 'transient', 'no_sms_provider_available', 'every SMS provider’s breaker is open', this.config().cooldownMs);
      }
      const provider: string = route.channel.provider;
      tried.push(provider);
      const started = Date.now();
      // A pinned send keeps its first mark: the provider is asked about messages since the first call that went unanswered.
      if (!pinned) await this.health.markPending(message.notificationId, { provider, since: started });
      const call = this.watch(provider, started, route.channel.send(message));
      try {
        const receipt = await call.outcome;
        if (!call.slow) await this.afterOutcome(provider, true, Date.now() - started);
        await this.health.clearPending(message.notificationId);
        if (previous) deliveryMetrics.smsFailovers.inc({ from: previous.provider, to: provider, code: previous.code ?? '' });
        return { ...receipt, detail: { ...receipt.detail, route: route.detail } };
      } catch (error) {
        const failure = error instanceof ProviderError ? error : new ProviderError(provider, 'transient', 'internal', (error as Error)?.message ?? String(error));
        // Transient failures and refusals of the provider account say something about the provider; other permanent
        // ones are the message's or the recipient's, and another provider would refuse them too.
        const providerAtFault = failure.kind === 'transient' || isAccountFailure(failure);
        if (providerAtFault && !call.slow) await this.afterOutcome(provider, false, Date.now() - started);
        // Pinned: an earlier call may have gone through, so the mark stays whatever this one did.
        if (pinned) throw failure;
        if (!providerAtFault) {
          await this.health.clearPending(message.notificationId);
          throw failure;
        }
        // Given up on while it may still land: asking now could not be believed, so the send waits until it can be.
        if (failure.code === UNANSWERED_CODE) {
          throw new ProviderError(provider, 'transient', UNANSWERED_CODE, failure.message, started + this.health.settleMs - Date.now(), true);
        }
        if (failure.ambiguous) {
          const resolved = await this.resolvePending(message, provider, new Date(started));
          if (resolved.found) return resolved.found;
          // The provider may have it and cannot say: it stays there (pending) for the next attempt.
          if (resolved.pinned) throw failure;
          // It says it has not, but may still be taking the call our side gave up on: asked again once that is over.
          if (resolved.unsettledMs) throw new ProviderError(provider, 'transient', failure.code, failure.message, resolved.unsettledMs, true);
        } else {
          await this.health.clearPending(message.notificationId);
        }
        lastFailure = failure;
        previous = { provider, code: failure.code };
      }
    }
  }

  /**
   * After a worker died mid-send: asks the provider the send was at. Null when it was at none (the worker died before
   * calling one); throws when that provider cannot answer, so the send goes again, to it (see send).
   */
  async findAccepted(message: OutgoingMessage, since: Date): Promise<ProviderReceipt | null> {
    const pending = await this.health.pending(message.notificationId);
    if (!pending) return null;
    const { channel } = this.byName.get(pending.provider) ?? {};
    if (!channel?.findAccepted) {
      throw new ProviderError(pending.provider, 'transient', 'no_lookup', `${pending.provider} cannot be asked whether it took a message`);
    }
    const found = await channel.findAccepted(message, new Date(Math.min(since.getTime(), pending.since)));
    if (found) await this.health.clearPending(message.notificationId);
    return found && { ...found, detail: { ...found.detail, route: { provider: pending.provider, reason: 'found' } satisfies RouteDetail } };
  }

  /**
   * A call to `provider` whose outcome is unknown: `found` when the provider says it took the message; `pinned` to it
   * when it cannot be asked or cannot answer; `unsettledMs` when it says it did not but the call may still be reaching
   * it (its "no" is believed `settleMs` after the call began: until then the mark stays and nothing is sent anywhere);
   * none of these when it did not take it (the pending mark is then cleared).
   */
  private async resolvePending(message: OutgoingMessage, provider: string, since: Date): Promise<{ found?: ProviderReceipt; pinned?: Route; unsettledMs?: number }> {
    const entry = this.byName.get(provider);
    if (!entry) {
      // A provider no longer configured: nothing to ask, nothing to resend there.
      await this.health.clearPending(message.notificationId);
      return {};
    }
    const pinned = { channel: entry.channel, detail: { provider, reason: 'unconfirmed' as const } };
    if (!entry.channel.findAccepted) return { pinned };
    try {
      const found = await entry.channel.findAccepted(message, since);
      if (found) {
        await this.health.clearPending(message.notificationId);
        return { found: { ...found, detail: { ...found.detail, route: { provider, reason: 'found' } satisfies RouteDetail } } };
      }
      const unsettledMs = since.getTime() + this.health.settleMs - Date.now();
      if (unsettledMs > 0) return { unsettledMs };
      await this.health.clearPending(message.notificationId);
      return {};
    } catch (error) {
      this.logger.warn({ msg: 'could not ask the SMS provider whether it took a message that timed out: it stays there', notificationId: message.notificationId, provider, error: (error as Error).message });
      return { pinned };
    }
  }

  /** The provider for the next call: a due probe first, else a draw by current weights among closed breakers. */
  private async choose(tried: readonly string[], previous: { provider: string; code: string | null } | null): Promise<Route | null> {
    const candidates = this.providers.filter((p) => !tried.includes(p.channel.provider));
    const health = await this.health.read(candidates.map((p) => p.channel.provider));
    const from = previous ? { from: previous.provider, fromCode: previous.code } : {};
    for (const candidate of candidates) {
      const state = health.get(candidate.channel.provider)!;
      if (state.breaker !== 'closed' && (await this.health.claimProbe(candidate.channel.provider))) {
        return { channel: candidate.channel, detail: { provider: candidate.channel.provider, reason: 'probe', ...from } };
      }
    }
    const weights = Object.fromEntries(candidates.map((p) => [p.channel.provider, currentWeight(p, health.get(p.channel.provider)!)]));
    const total = Object.values(weights).reduce((sum, w) => sum + w, 0);
    if (total <= 0) return null;
    let draw = this.random() * total;
    const chosen = candidates.find((p) => (draw -= weights[p.channel.provider]) < 0) ?? candidates.filter((p) => weights[p.channel.provider] > 0).at(-1)!;
    return { channel: chosen.channel, detail: { provider: chosen.channel.provider, reason: previous ? 'failover' : 'weighted', weights, ...from } };
  }

  /**
   * A provider call, watched: one still unanswered after the slow-call threshold counts as a failure of its provider
   * then (its later outcome is not counted again), and once that provider's breaker is open the send stops waiting for
   * it (it fails `unanswered`, ambiguous: the call may still land) if that provider can be asked later whether it took
   * the message. Without this, a provider that stops answering holds
   * every send slot that draws it for a whole provider timeout, and with enough of them the worker sends nothing.
   */
  private watch(provider: string, started: number, call: Promise<ProviderReceipt>): WatchedCall {
    let abandon: (failure: ProviderError) => void = () => undefined;
    const abandoned = new Promise<never>((_, reject) => (abandon = reject));
    const watched: WatchedCall = {
      slow: false,
      outcome: Promise.race([call, abandoned]),
      abandon: () => abandon(new ProviderError(provider, 'transient', UNANSWERED_CODE, `${provider} left the call unanswered and its breaker is open`, undefined, true)),
    };
    const calls = this.inFlight.get(provider) ?? new Set<WatchedCall>();
    this.inFlight.set(provider, calls.add(watched));
    const timer = setTimeout(() => void this.onSlowCall(provider, watched, Date.now() - started), this.config().slowCallMs);
    const settle = () => {
      clearTimeout(timer);
      calls.delete(watched);
    };
    watched.outcome.then(settle, settle);
    return watched;
  }

  private async onSlowCall(provider: string, watched: WatchedCall, elapsedMs: number): Promise<void> {
    watched.slow = true;
    try {
      const moved = await this.afterOutcome(provider, false, elapsedMs);
      // A provider that cannot be asked (Vonage) is waited for to the call's own timeout: a call given up on while it
      // may still land could only be sent again blindly, and a customer would get it twice.
      if (!this.byName.get(provider)?.channel.findAccepted) return;
      const open = moved === 'opened' || moved === 'reopened' || (await this.health.read([provider])).get(provider)!.breaker !== 'closed';
      if (!open) return;
      for (const call of this.inFlight.get(provider) ?? []) if (call.slow) call.abandon();
    } catch (error) {
      // Health unknown (Redis away): the call is simply awaited to its own timeout.
      this.logger.warn({ msg: 'could not record an SMS provider call left unanswered', provider, error: (error as Error).message });
    }
  }

  private async afterOutcome(provider: string, ok: boolean, latencyMs: number): Promise<'opened' | 'reopened' | 'closed' | ''> {
    const moved = await this.health.report(provider, ok, latencyMs);
    if (moved === 'opened') this.logger.warn({ msg: 'SMS provider breaker opened: its traffic goes to the others', provider });
    if (moved === 'closed') this.logger.log({ msg: 'SMS provider breaker closed: it takes traffic again, its share growing back', provider });
    if (moved === 'reopened') this.logger.warn({ msg: 'SMS provider probe failed: its breaker stays open', provider });
    // A failed probe tells operators nothing new: they hear when the provider fails and when it is back.
    if (moved === 'opened' || moved === 'closed') this.onBreakerChange(provider, moved);
    return moved;
  }

  private config() {
    return this.health.breakerSettings;
  }
}

/** A send held back until `provider`'s "I do not have it" can be believed: retried, to be asked again, in `retryAfterMs`. */
function unsettled(provider: string, retryAfterMs: number): ProviderError {
  return new ProviderError(provider, 'transient', 'awaiting_provider', `${provider} may still be taking an earlier call for this message`, retryAfterMs, true);
}

/** A provider's weight now: configured weight times the share its health left it, nothing while its breaker is not closed. */
export function currentWeight(provider: WeightedProvider, health: ProviderHealth): number {
  return health.breaker === 'closed' ? Math.round(provider.weight * health.share * 100) / 100 : 0;
}
