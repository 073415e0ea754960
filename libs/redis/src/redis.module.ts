import { Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { createRedisClient, RedisClient, RedisTuning } from './redis-clients';

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

  /** Disconnects rather than QUIT: QUIT would wait forever for a Redis that is down. */
  onApplicationShutdown(): void {
    for (const client of this.opened) client.disconnect();
    this.opened.clear();
  }
}

/**
 * Global, like BullMQ's own module. Nest shuts global modules down last, the last one it met first; QueuesModule
 * imports this module before BullMQ's, so workers have drained their jobs before these clients close (the
 * graceful-shutdown end-to-end tests hold that).
 */
@Global()
@Module({ providers: [RedisClients], exports: [RedisClients] })
export class RedisModule {}
