import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { RedisClient, RedisClients } from '@herald/redis';
import { encodeSignal, signalChannel, SignalTopic } from './signal-channels';

export type SignalHandler = (merchantIds: string[]) => void;

/** Commands wait this many reconnection attempts (a fraction of a second), then fail: a lost signal only costs latency. */
const COMMAND_RETRIES = 2;
/** The longest publishNow waits for Redis to take a signal. */
const PUBLISH_WAIT_MS = 1_000;

/**
 * Wake-up calls between Herald's processes over Redis pub/sub: "merchant M has news". They carry no data (readers
 * read Postgres), so pub/sub's at-most-once delivery is enough, keeps nothing in Redis, and costs one PUBLISH per
 * topic per event-loop turn however many merchants it names. A reader that was disconnected hears `onReconnect` and
 * reads Postgres again; one that misses a message for any other reason finds the events on its next periodic read.
 * On a Redis Cluster, PUBLISH reaches the subscribers on every node. The clients come from RedisClients, which closes
 * them last at shutdown, so what closes before (streams releasing their leases, workers finishing sends) still has Redis.
 */
@Injectable()
export class RedisSignals implements OnModuleInit {
  private readonly logger = new Logger(RedisSignals.name);
  private commands?: RedisClient;
  private subscriber?: RedisClient;
  private readonly handlers = new Map<string, SignalHandler[]>();
  /** Channels whose SUBSCRIBE Redis has confirmed (ioredis subscribes them again by itself after a reconnect). */
  private readonly subscribed = new Set<string>();
  private readonly reconnectHandlers: (() => void)[] = [];
  private readonly outgoing = new Map<SignalTopic, Set<string>>();
  private flushScheduled = false;
  private lastPublishError = 0;

  constructor(
    private readonly redis: RedisClients,
    @InjectConfig() private readonly config: HeraldConfig,
  ) {}

  /** Connects at boot, so the first commit's signal does not wait for a connection. */
  onModuleInit(): void {
    this.connection();
  }

  /** Queues a signal; everything queued in this event-loop turn goes out in one PUBLISH per topic. */
  publish(topic: SignalTopic, merchantIds: Iterable<string>): void {
    let pending = this.outgoing.get(topic);
    if (!pending) this.outgoing.set(topic, (pending = new Set()));
    for (const id of merchantIds) pending.add(id);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  subscribe(topic: SignalTopic, handler: SignalHandler): void {
    const channel = signalChannel(this.config.queuePrefix, topic);
    const handlers = this.handlers.get(channel);
    if (handlers) {
      handlers.push(handler);
      return;
    }
    this.handlers.set(channel, [handler]);
    this.subscriberConnection()
      .subscribe(channel)
      .then(() => this.subscribed.add(channel))
      .catch((error: Error) => this.logger.warn(`could not subscribe to ${channel}: ${error.message}`));
  }

  /**
   * Whether this process hears the topic's signals now: its subscription was confirmed and the connection is up. What
   * relies on hearing a signal to drop what it remembers (a cache) remembers nothing while this is false.
   */
  listening(topic: SignalTopic): boolean {
    return this.subscriber?.status === 'ready' && this.subscribed.has(signalChannel(this.config.queuePrefix, topic));
  }

  /**
   * Sends a signal at once, not with the next batch, and resolves once Redis has taken it: by then Redis has handed it
   * to every subscriber. For a change the other processes must hear before the request that made it is answered.
   * Never rejects, and waits at most PUBLISH_WAIT_MS: Redis being away is logged (readers then fall back on their own
   * expiry), and an unanswering Redis does not hold the change's answer back.
   */
  async publishNow(topic: SignalTopic, merchantIds: Iterable<string>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const published = this.connection()
      .publish(signalChannel(this.config.queuePrefix, topic), encodeSignal(merchantIds))
      .catch((error: Error) => this.publishFailed(error));
    await Promise.race([published, new Promise<void>((resolve) => (timer = setTimeout(resolve, PUBLISH_WAIT_MS)))]);
    clearTimeout(timer);
  }

  /** Called each time the subscription comes back after Redis was unreachable: signals may have been missed. */
  onReconnect(handler: () => void): void {
    this.reconnectHandlers.push(handler);
    this.subscriberConnection();
  }

  /** The connection for ordinary commands (publishing, stream leases). */
  connection(): RedisClient {
    if (!this.commands) {
      this.commands = this.redis.create('events:signals', { maxRetriesPerRequest: COMMAND_RETRIES });
      this.commands.on('error', () => undefined);
    }
    return this.commands;
  }

  private flush(): void {
    this.flushScheduled = false;
    const client = this.connection();
    // One PUBLISH per topic (rarely more than one): a pipeline's bookkeeping would cost more than it saves.
    for (const [topic, merchants] of this.outgoing) {
      client.publish(signalChannel(this.config.queuePrefix, topic), encodeSignal(merchants)).catch((error: Error) => this.publishFailed(error));
    }
    this.outgoing.clear();
  }

  private publishFailed(error: Error): void {
    // Logged at most once a minute: during a Redis outage every commit would say the same.
    if (Date.now() - this.lastPublishError < 60_000) return;
    this.lastPublishError = Date.now();
    this.logger.warn(`could not publish signals (readers catch up from Postgres; cached API keys expire by themselves): ${error.message}`);
  }

  private subscriberConnection(): RedisClient {
    if (this.subscriber) return this.subscriber;
    const subscriber = this.redis.create('events:subscriber');
    this.subscriber = subscriber;
    let connectedBefore = false;
    subscriber.on('error', () => undefined);
    subscriber.on('ready', () => {
      if (connectedBefore) {
        this.logger.log('signal subscription restored; readers catch up from Postgres');
        for (const handler of this.reconnectHandlers) handler();
      }
      connectedBefore = true;
    });
    subscriber.on('message', (channel: string, message: string) => {
      const handlers = this.handlers.get(channel);
      if (!handlers) return;
      let merchantIds: string[];
      try {
        merchantIds = JSON.parse(message);
        if (!Array.isArray(merchantIds)) return;
      } catch {
        return;
      }
      for (const handler of handlers) handler(merchantIds);
    });
    return subscriber;
  }
}
