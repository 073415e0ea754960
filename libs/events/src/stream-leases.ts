import { Injectable } from '@nestjs/common';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { RedisSignals } from './redis-signals';

/** A stream's lease lasts this long unless its API instance renews it; a crashed instance's streams lapse. */
export const LEASE_MS = 60_000;
/** Renew well within the lease, so a renewal missed in a Redis hiccup does not lose one. */
export const LEASE_RENEW_MS = 20_000;

/** Drops lapsed leases, then adds this one if the merchant is under its limit. KEYS[1] leases; ARGV now, expiry, limit, id. */
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ${LEASE_MS})
return 1`;

/**
 * Open streams per merchant, counted across every API instance: one sorted set per merchant in Redis, a member per
 * stream scored by when its lease lapses. The keys share one hash tag, `{<QUEUE_PREFIX>:streams}`, so on a Redis
 * Cluster they sit in one slot and an instance renews all its leases in one pipeline.
 */
@Injectable()
export class StreamLeases {
  private readonly prefix: string;

  constructor(
    private readonly signals: RedisSignals,
    @InjectConfig() config: HeraldConfig,
  ) {
    this.prefix = `{${config.queuePrefix}:streams}:`;
  }

  /** Takes a lease for a new stream; false when the merchant already has `limit` open. */
  async acquire(merchantId: string, streamId: string, limit: number, now = Date.now()): Promise<boolean> {
    const taken = await this.signals.connection().eval(ACQUIRE, 1, this.prefix + merchantId, now, now + LEASE_MS, limit, streamId);
    return taken === 1;
  }

  /** Renews the leases of the streams this instance holds (and restores them if Redis lost them). */
  async renew(streams: { merchantId: string; streamId: string }[], now = Date.now()): Promise<void> {
    if (!streams.length) return;
    const pipeline = this.signals.connection().pipeline();
    for (const { merchantId, streamId } of streams) {
      pipeline.zadd(this.prefix + merchantId, now + LEASE_MS, streamId);
      pipeline.pexpire(this.prefix + merchantId, LEASE_MS);
    }
    await pipeline.exec();
  }

  async release(merchantId: string, streamId: string): Promise<void> {
    await this.signals.connection().zrem(this.prefix + merchantId, streamId);
  }
}
