import { Injectable } from '@nestjs/common';
import { HeraldConfig, InjectConfig } from '@herald/config';
import type { SmsProviderHealthView } from '@herald/observability';
import { RedisClient, RedisClients } from '@herald/redis';

export type BreakerState = SmsProviderHealthView['breaker'];

/** One provider's health as every worker sees it. */
export interface ProviderHealth {
  breaker: BreakerState;
  /** How much of its configured weight the provider has now, 0.1 to 1: lowered by failures, earned back by successes. */
  share: number;
  errorRate: number;
  latencyMs: number;
  consecutiveFailures: number;
  /** When the breaker last opened (ms since the epoch), 0 if never. */
  openedAt: number;
  /** When the current half-open probe was let through. */
  probeAt: number;
}

/** The smallest share a provider keeps while its breaker is closed, and the one it restarts from once closed again. */
export const MIN_SHARE = 0.1;
/** A transient failure takes this much share away; a success gives back a quarter of it (recovery is slower than the fall). */
const SHARE_LOSS = 0.2;
const SHARE_GAIN = 0.05;

/**
 * Records a send's outcome on KEYS[1] (the provider's hash) in one step, whatever other workers do meanwhile. A success
 * closes the breaker (starting again from the smallest share) or earns share back; a transient failure costs share and,
 * the ARGV[4]-th in a row, opens the breaker (`opened`), and a failed probe opens it again (`reopened`). Answers the
 * change (`opened`, `reopened`, `closed`) or ''. While the breaker is not closed, an outcome of a call that began before
 * it opened (or before the probe was let through) is left out: under load, a send that left before an outage can
 * answer "taken" after the breaker opened, and must not close it (and tell operators the provider is back) mid-outage.
 */
const REPORT = `
local h = KEYS[1]
local ok, latency, now = ARGV[1] == '1', tonumber(ARGV[2]), tonumber(ARGV[3])
local threshold, minShare, loss, gain = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local state = redis.call('HGET', h, 'breaker') or 'closed'
local share = tonumber(redis.call('HGET', h, 'share') or '1')
local errorRate = tonumber(redis.call('HGET', h, 'errorRate') or '0')
local avgLatency = tonumber(redis.call('HGET', h, 'latencyMs') or tostring(latency))
local consecutive = tonumber(redis.call('HGET', h, 'consecutiveFailures') or '0')
avgLatency = avgLatency * 0.8 + latency * 0.2
local event = ''
-- A call that began before the breaker opened (or before the probe went) answering now says nothing of the provider
-- since: it neither closes the breaker nor fails the probe.
local startedAt = now - latency
local stale = state ~= 'closed' and startedAt < tonumber(redis.call('HGET', h, state == 'half_open' and 'probeAt' or 'openedAt') or '0')
if stale then
  return ''
end
if ok then
  errorRate = errorRate * 0.9
  consecutive = 0
  if state ~= 'closed' then
    state = 'closed'
    share = minShare
    event = 'closed'
  else
    share = math.min(1, share + gain)
  end
else
  errorRate = errorRate * 0.9 + 0.1
  consecutive = consecutive + 1
  share = math.max(minShare, share - loss)
  if state == 'half_open' or (state == 'closed' and consecutive >= threshold) then
    if state == 'closed' then event = 'opened' else event = 'reopened' end
    state = 'open'
    share = minShare
    redis.call('HSET', h, 'openedAt', now)
  end
end
redis.call('HSET', h, 'breaker', state, 'share', share, 'errorRate', errorRate, 'latencyMs', avgLatency, 'consecutiveFailures', consecutive)
return event`;

/**
 * Lets one probe through KEYS[1]'s open breaker once its cool-down (ARGV[2]) has passed, or again when the last probe
 * has had no answer for ARGV[3] ms (its worker died): the breaker turns half-open. 1 when this caller got the probe.
 */
const CLAIM_PROBE = `
local h = KEYS[1]
local now = tonumber(ARGV[1])
local state = redis.call('HGET', h, 'breaker')
if state == 'open' and now - tonumber(redis.call('HGET', h, 'openedAt') or '0') >= tonumber(ARGV[2]) then
  redis.call('HSET', h, 'breaker', 'half_open', 'probeAt', now)
  return 1
end
if state == 'half_open' and now - tonumber(redis.call('HGET', h, 'probeAt') or '0') >= tonumber(ARGV[3]) then
  redis.call('HSET', h, 'probeAt', now)
  return 1
end
return 0`;

/** A send's provider call, remembered until its outcome is known: a worker that dies meanwhile leaves it for a takeover. */
export interface PendingSend {
  provider: string;
  /** When the call started (ms since the epoch): the provider is asked about messages since then. */
  since: number;
}

/** A send's pending mark outlives any retry schedule (JOB_ATTEMPTS with backoff); then it is only noise. */
const PENDING_TTL_S = 24 * 3600;

/**
 * The SMS providers' health, shared by every worker in Redis: per provider a hash (breaker, share, moving error rate
 * and latency), all under one hash tag so a Cluster keeps them on one slot; and per send in flight, which provider it
 * went to (so a timeout or a crash is resolved with that provider before any other is tried).
 */
@Injectable()
export class SmsProviderHealth {
  private readonly redis: RedisClient;
  private readonly prefix: string;

  constructor(
    @InjectConfig() private readonly config: HeraldConfig,
    clients: RedisClients,
  ) {
    // A Redis that stays away fails the call after a couple of tries: the send is retried like any other failure.
    this.redis = clients.create('sms-routing', { maxRetriesPerRequest: 2 });
    this.prefix = config.queuePrefix;
  }

  get breakerSettings(): HeraldConfig['smsBreaker'] {
    return this.config.smsBreaker;
  }

  /**
   * How long after a call began a provider's "I do not have it" is believed: a call our side gave up on may still be
   * taken by the provider until then (the same margin after which a `sending` claim is taken over).
   */
  get settleMs(): number {
    return this.config.sendingLeaseMs;
  }

  async read(providers: readonly string[]): Promise<Map<string, ProviderHealth>> {
    const pipeline = this.redis.pipeline();
    for (const provider of providers) pipeline.hgetall(this.healthKey(provider));
    const answers = (await pipeline.exec()) ?? [];
    return new Map(
      providers.map((provider, i) => {
        const [error, hash] = answers[i] ?? [];
        if (error) throw error;
        return [provider, parseHealth((hash ?? {}) as Record<string, string>)];
      }),
    );
  }

  /** Records an outcome: `opened`, `reopened` or `closed` when it moved the breaker (exactly one report, across workers, sees each move). */
  async report(provider: string, ok: boolean, latencyMs: number, now = Date.now()): Promise<'opened' | 'reopened' | 'closed' | ''> {
    const { failures } = this.config.smsBreaker;
    return (await this.redis.eval(REPORT, 1, this.healthKey(provider), ok ? '1' : '0', Math.round(latencyMs), now, failures, MIN_SHARE, SHARE_LOSS, SHARE_GAIN)) as
      | 'opened'
      | 'reopened'
      | 'closed'
      | '';
  }

  /** True when this caller may send the probe through the provider's open breaker. */
  async claimProbe(provider: string, now = Date.now()): Promise<boolean> {
    const probeTimeoutMs = this.config.providerTimeoutMs * 2;
    return (await this.redis.eval(CLAIM_PROBE, 1, this.healthKey(provider), now, this.config.smsBreaker.cooldownMs, probeTimeoutMs)) === 1;
  }

  async markPending(notificationId: string, pending: PendingSend): Promise<void> {
    await this.redis.set(this.pendingKey(notificationId), JSON.stringify(pending), 'EX', PENDING_TTL_S);
  }

  async pending(notificationId: string): Promise<PendingSend | null> {
    const text = await this.redis.get(this.pendingKey(notificationId));
    return text ? (JSON.parse(text) as PendingSend) : null;
  }

  async clearPending(notificationId: string): Promise<void> {
    await this.redis.del(this.pendingKey(notificationId));
  }

  private healthKey(provider: string): string {
    return `{${this.prefix}:sms-health}:${provider}`;
  }

  private pendingKey(notificationId: string): string {
    return `${this.prefix}:sms-pending:${notificationId}`;
  }
}

function parseHealth(hash: Record<string, string>): ProviderHealth {
  const number = (name: string, fallback: number) => (hash[name] === undefined ? fallback : Number(hash[name]));
  return {
    breaker: (hash.breaker as BreakerState | undefined) ?? 'closed',
    share: number('share', 1),
    errorRate: number('errorRate', 0),
    latencyMs: number('latencyMs', 0),
    consecutiveFailures: number('consecutiveFailures', 0),
    openedAt: number('openedAt', 0),
    probeAt: number('probeAt', 0),
  };
}
