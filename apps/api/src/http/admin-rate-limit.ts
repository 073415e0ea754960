import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ThrottlerModule } from '@nestjs/throttler';
import { HeraldConfig, heraldConfig } from '@herald/config';
import { RedisClient, RedisClients, RedisModule } from '@herald/redis';

const MINUTE_MS = 60_000;

/** The package takes a single-server client or a Cluster client, with an overload for each; ours is one or the other. */
const RedisThrottlerStorage = ThrottlerStorageRedisService as new (redis: RedisClient) => ThrottlerStorageRedisService;

/**
 * Request counts in Redis, so every API process behind the proxy counts against one limit. Keys sit under
 * QUEUE_PREFIX like every other Herald key (deployments sharing a Redis keep their own counts); the package tags each
 * counter's two keys with one hash tag, so on a Cluster its script stays within one slot.
 */
class SharedThrottlerStorage extends RedisThrottlerStorage {
  constructor(
    redis: RedisClient,
    private readonly prefix: string,
  ) {
    super(redis);
  }

  override increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    return super.increment(`${this.prefix}:throttler:${key}`, ttl, limit, blockDuration, throttlerName);
  }
}

/**
 * The admin rate limit (ADMIN_RATE_LIMIT per client address, route and minute), applied where
 * @UseGuards(ThrottlerGuard) asks for it: the admin API, where credentials could be guessed.
 */
export const AdminRateLimitModule = ThrottlerModule.forRootAsync({
  imports: [RedisModule],
  inject: [heraldConfig.KEY, RedisClients],
  useFactory: (config: HeraldConfig, redis: RedisClients) => ({
    throttlers: [{ name: 'admin', ttl: MINUTE_MS, limit: config.adminRateLimit }],
    // A Redis that stays away fails the request (503) after a couple of reconnect attempts instead of holding it.
    storage: new SharedThrottlerStorage(redis.create('throttler', { maxRetriesPerRequest: 2 }), config.queuePrefix),
  }),
});
