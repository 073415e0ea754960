import { Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { HeraldConfig, InjectConfig } from '@herald/config';
import type { RedisOptions } from 'ioredis';
import { createRedisClient, RedisClient, redisServerOptions, RedisTuning } from './redis-clients';

/** Redis clients for a Herald process, on the configured topology; each is closed when the app shuts down. */
@Injectable()
export class RedisClients implements OnApplicationShutdown {
  private readonly opened = new Set<RedisClient>();

  constructor(@InjectConfig() private readonly config: HeraldConfig) {}

  /** A client for `purpose` (e.g. `queue:critical`, `events:subscriber`); see createRedisClient. */
  create(purpose: string, tuning?: RedisTuning): RedisClient {
    const client = createRedisClient(this.config.redis, purpose, tuning);
    this.opened.add(client);
    return client;
  }

  /**
   * BullMQ's `connection` for one queue and its worker. On one server or Sentinel: options, from which BullMQ opens
   * (and closes) separate connections for the queue and for its worker. BullMQ takes a Cluster only as a client, so
   * there the queue and its worker share this one (the worker adds its own blocking connection).
   */
  bullmqConnection(purpose: string): RedisOptions | RedisClient {
    return this.config.redis.kind === 'cluster' ? this.create(purpose) : redisServerOptions(this.config.redis, purpose);
  }

  /** Disconnects rather than QUIT: QUIT would wait forever for a Redis that is down. */
  onApplicationShutdown(): void {
    for (const client of this.opened) client.disconnect();
    this.opened.clear();
  }
}

/**
 * Global, like BullMQ's own module. Nest shuts global modules down last, the last one it met first; QueuesModule
 * imports this module before BullMQ's, so workers have drained their jobs before these clients close (the Cluster
 * end-to-end test's SIGTERM drain holds that).
 */
@Global()
@Module({ providers: [RedisClients], exports: [RedisClients] })
export class RedisModule {}
