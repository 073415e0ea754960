import { Injectable } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { RedisClient, RedisClients } from '@herald/redis';

/**
 * Takes one attempt for the address, atomically, unless it already used up its `limit` (then answers the lockout's
 * milliseconds left). The attempt that reaches the limit starts a lockout of the full window; the first starts the window.
 */
const RESERVE_ATTEMPT = `
local limit = tonumber(ARGV[1])
local left = redis.call('PTTL', KEYS[1])
if left <= 0 then redis.call('DEL', KEYS[1]) end
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count >= limit then return left end
count = redis.call('INCR', KEYS[1])
if count == 1 or count >= limit then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/** Gives an attempt back (its credentials were right): the count drops by one, keeping its window, or goes when empty. */
const RETURN_ATTEMPT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 1 then redis.call('DECR', KEYS[1]) else redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Wrong admin credentials per client address, in Redis, so every API process counts against one limit. An attempt is
 * taken before the credentials are compared and given back when they were right: a burst of guesses sent at once
 * cannot all slip through before the first is counted. IPv6 addresses count per /64, which one client usually holds.
 */
@Injectable()
export class FailedAdminLogins {
  private readonly redis: RedisClient;

  constructor(
    @InjectConfig() private readonly config: HeraldConfig,
    clients: RedisClients,
  ) {
    // A Redis that stays away fails the request (503) after a couple of reconnect attempts instead of holding it.
    this.redis = clients.create('admin-lockout', { maxRetriesPerRequest: 2 });
  }

  /** Takes an attempt for `address`: 0, or the milliseconds left of its lockout (no attempt taken). */
  async take(address: string): Promise<number> {
    const { failures, windowMs } = this.config.adminLockout;
    return Number(await this.redis.eval(RESERVE_ATTEMPT, 1, this.keyOf(address), failures, windowMs));
  }

  /** Gives back the attempt taken for `address`: it was no failure. */
  async giveBack(address: string): Promise<void> {
    await this.redis.eval(RETURN_ATTEMPT, 1, this.keyOf(address));
  }

  private keyOf(address: string): string {
    return `${this.config.queuePrefix}:admin-login-failures:${normalizeIp(address)}`;
  }
}
