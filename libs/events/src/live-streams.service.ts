import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { DomainError, ErrorCode } from '@herald/errors';
import { registerOpenStreams } from '@herald/observability';
import { ApiKeyRepository, EventLogRepository, LoggedEvent } from '@herald/persistence';
import { EventFeed, EventFilter } from './event-feed.service';
import { comparePositions, EventPosition, laterOf, positionAtHorizon, positionOf, toLogPosition } from './event-position';
import { eventType } from './live-event';
import { HubReader, MerchantHub, StreamBatch, StreamCredential, StreamEvent, StreamSink, Subscriber } from './merchant-hub';
import { LEASE_RENEW_MS, StreamLeases } from './stream-leases';
import { RedisSignals } from './redis-signals';
import { SSE_HEARTBEAT, sseEvent, sseNotice, ssePreamble } from './sse';

export interface StreamRequest {
  merchantId: string;
  credential: StreamCredential;
  filter: EventFilter;
  /** From the client's Last-Event-ID; absent, the stream starts with what happens from now on. */
  resumeFrom?: EventPosition;
}

/** How long a client waits before reconnecting (the SSE `retry:` hint). */
export const SSE_RETRY_MS = 2000;
const PAGE_SIZE = 500;
/** Events per merchant in one live read (it reads many merchants at once); a merchant with more is read again at once. */
const LIVE_PAGE_SIZE = 200;
/** Reads the log this often even without a signal: a lost signal costs at most this much latency. */
const SAFETY_READ_MS = 5000;
/** A stream catching up waits for its client past this much unsent. */
const CATCH_UP_HIGH_WATER_BYTES = 256 * 1024;
/** The last frame of a stream ended because its key was revoked or its merchant disabled: `data` says which. */
export const STREAM_CLOSED_EVENT = 'stream.closed';

type AccessRefusal = Extract<ErrorCode, 'invalid_api_key' | 'invalid_stream_token' | 'merchant_disabled'>;
const ACCESS_REFUSALS: Record<AccessRefusal, string> = {
  invalid_api_key: 'the API key that opened this stream was revoked',
  invalid_stream_token: 'the API key that issued this stream token was revoked',
  merchant_disabled: 'this merchant is disabled; ask the operator of this Herald to enable it',
};

/**
 * Every open event stream on this API instance. A stream first catches up from Postgres (from its Last-Event-ID, with
 * its filter, up to where its merchant's hub stands), then goes live on the hub, whose new events are read once for
 * all its streams here (and, through the HubReader, in one round trip with every other merchant that had news).
 * Postgres is the only source: Redis signals only say when to read, so a stream resumed after an API restart or a
 * Redis flush gets exactly the events it had not had, in log order.
 *
 * A stream lives only as long as what opened it: when a key is revoked or a merchant disabled, the `access` signal
 * reaches every API instance, which reads the standing of its streams' keys and ends those that lost it (a last
 * `stream.closed` event says why). Each heartbeat checks them again, so a signal lost to a Redis hiccup costs at most
 * SSE_HEARTBEAT.
 */
@Injectable()
export class LiveStreams implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LiveStreams.name);
  private readonly hubs = new Map<string, MerchantHub>();
  private readonly subscribers = new Set<Subscriber>();
  private readonly hubOf = new Map<Subscriber, MerchantHub>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly reader = new HubReader((hubs) => this.readLive(hubs), this.logger);
  private closing = false;

  constructor(
    private readonly log: EventLogRepository,
    private readonly keys: ApiKeyRepository,
    private readonly feed: EventFeed,
    private readonly leases: StreamLeases,
    private readonly signals: RedisSignals,
    @InjectConfig() private readonly config: HeraldConfig,
  ) {}

  onModuleInit(): void {
    registerOpenStreams(() => this.subscribers.size);
    this.signals.subscribe('events', (merchantIds) => {
      for (const merchantId of merchantIds) {
        const hub = this.hubs.get(merchantId);
        if (hub) this.reader.poke(hub);
      }
    });
    this.signals.subscribe('access', (merchantIds) => {
      const merchants = new Set(merchantIds);
      void this.recheckAccess([...this.subscribers].filter((subscriber) => merchants.has(subscriber.merchantId)));
    });
    this.signals.onReconnect(() => {
      this.readAll();
      void this.recheckAccess([...this.subscribers]);
    });
    this.every(this.config.events.heartbeatMs, () => {
      for (const subscriber of this.subscribers) subscriber.write(SSE_HEARTBEAT);
      void this.recheckAccess([...this.subscribers]);
    });
    this.every(SAFETY_READ_MS, () => this.readAll());
    this.every(LEASE_RENEW_MS, () => {
      const held = [...this.subscribers].map((s) => ({ merchantId: s.merchantId, streamId: s.id }));
      this.leases.renew(held).catch((error: Error) => this.logger.warn(`could not renew stream leases: ${error.message}`));
    });
  }

  /**
   * Opens a stream: takes one of the merchant's stream leases (429 `too_many_streams` beyond the limit), then calls
   * `attach` for the client (the API writes its headers there) and starts sending. Errors before `attach` leave the
   * client untouched, so they can still be answered as JSON.
   */
  async open(request: StreamRequest, attach: () => StreamSink): Promise<void> {
    if (this.closing) throw shuttingDown();
    const { merchantId } = request;
    const streamId = randomUUID();
    const limit = this.config.events.maxStreamsPerMerchant;
    if (!(await this.leases.acquire(merchantId, streamId, limit))) {
      throw new DomainError('rate_limited', 'too_many_streams', `at most ${limit} event streams may be open at once; close one first`);
    }
    let horizon: EventPosition;
    try {
      horizon = positionAtHorizon(await this.log.horizon());
      if (this.closing) throw shuttingDown();
    } catch (error) {
      void this.leases.release(merchantId, streamId).catch(() => undefined);
      throw error;
    }
    const start = request.resumeFrom ?? horizon;
    let hub = this.hubs.get(merchantId);
    if (!hub) {
      hub = new MerchantHub(merchantId, horizon);
      this.hubs.set(merchantId, hub);
    }
    let sink: StreamSink;
    try {
      sink = attach();
    } catch (error) {
      void this.leases.release(merchantId, streamId).catch(() => undefined);
      throw error;
    }
    const subscriber = new Subscriber(streamId, merchantId, request.credential, request.filter, sink, start, (s) => this.close(s));
    hub.members += 1;
    this.hubOf.set(subscriber, hub);
    this.subscribers.add(subscriber);
    sink.onClose(() => this.close(subscriber));
    sink.write(ssePreamble(SSE_RETRY_MS, this.feed.cursorOf(merchantId, start)));
    if (sink.closed) return this.close(subscriber);
    void this.catchUp(subscriber, hub);
  }

  /** Ends every stream (their clients reconnect to another instance and resume), so shutdown never waits on them. */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    for (const timer of this.timers) clearInterval(timer);
    const released = [...this.subscribers].map((subscriber) => this.close(subscriber));
    await Promise.race([Promise.allSettled(released), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  }

  /** Sends the stream what it missed, page by page, until it stands where its hub does; then it is live. */
  private async catchUp(subscriber: Subscriber, hub: MerchantHub): Promise<void> {
    try {
      for (;;) {
        if (subscriber.closed) return;
        const target = hub.position;
        if (comparePositions(subscriber.cursor, target) >= 0) {
          // No await since reading the hub's position: no batch of the hub can fall between catching up and going live.
          hub.live.add(subscriber);
          this.reader.poke(hub);
          return;
        }
        const page = await this.log.read({
          merchantId: subscriber.merchantId,
          test: subscriber.credential.test,
          after: toLogPosition(subscriber.cursor),
          upTo: toLogPosition(target),
          limit: PAGE_SIZE,
          ...subscriber.filter,
        });
        const events = page.events.map((event) => this.toStreamEvent(event));
        const full = events.length === PAGE_SIZE;
        subscriber.deliver(events, full ? events[events.length - 1].position : target);
        if (subscriber.sink.buffered > CATCH_UP_HIGH_WATER_BYTES) await subscriber.sink.drained();
      }
    } catch (error) {
      // The client reconnects after SSE_RETRY_MS and resumes from its Last-Event-ID.
      this.logger.warn({ msg: 'could not catch a stream up; closing it', merchantId: subscriber.merchantId, error: (error as Error).message });
      void this.close(subscriber);
    }
  }

  /** The next batch of every hub given, in one read. */
  private async readLive(hubs: MerchantHub[]): Promise<Map<MerchantHub, StreamBatch>> {
    const pages = await this.log.readMany(
      hubs.map((hub) => ({ merchantId: hub.merchantId, after: toLogPosition(hub.position) })),
      LIVE_PAGE_SIZE,
    );
    const batches = new Map<MerchantHub, StreamBatch>();
    for (const hub of hubs) {
      const page = pages.get(hub.merchantId)!;
      const events = page.events.map((event) => this.toStreamEvent(event));
      const last = events.length ? events[events.length - 1].position : hub.position;
      const full = events.length === LIVE_PAGE_SIZE;
      const next = full || page.horizon === null ? last : laterOf(last, positionAtHorizon(page.horizon));
      batches.set(hub, { events, full, heldBack: page.heldBack, next });
    }
    return batches;
  }

  private toStreamEvent(event: LoggedEvent): StreamEvent {
    const view = this.feed.view(event);
    return {
      position: positionOf(event),
      notificationId: event.notificationId,
      orderId: event.orderId,
      test: event.test,
      frame: sseEvent(view.id, eventType(event.status), view),
    };
  }

  /** Ends the streams whose key is gone (revoked) or whose merchant is disabled, as the keys stand in Postgres now. */
  private async recheckAccess(subscribers: Subscriber[]): Promise<void> {
    const open = subscribers.filter((subscriber) => !subscriber.closed);
    if (!open.length) return;
    let standing: Map<string, { merchantDisabled: boolean }>;
    try {
      standing = await this.keys.standing([...new Set(open.map((subscriber) => subscriber.credential.keyId))]);
    } catch (error) {
      this.logger.warn(`could not check the keys of open event streams (checked again at the next heartbeat): ${(error as Error).message}`);
      return;
    }
    for (const subscriber of open) {
      const key = standing.get(subscriber.credential.keyId);
      const refusal: AccessRefusal | null = !key
        ? subscriber.credential.viaToken
          ? 'invalid_stream_token'
          : 'invalid_api_key'
        : key.merchantDisabled
          ? 'merchant_disabled'
          : null;
      if (refusal) this.endForAccess(subscriber, refusal);
    }
  }

  private endForAccess(subscriber: Subscriber, code: AccessRefusal): void {
    if (subscriber.closed) return;
    this.logger.log({ msg: 'ended an event stream whose access was withdrawn', merchantId: subscriber.merchantId, keyId: subscriber.credential.keyId, code });
    subscriber.write(sseNotice(STREAM_CLOSED_EVENT, { code, message: ACCESS_REFUSALS[code] }));
    void this.close(subscriber);
  }

  private close(subscriber: Subscriber): Promise<void> {
    if (subscriber.closed) return Promise.resolve();
    subscriber.closed = true;
    this.subscribers.delete(subscriber);
    const hub = this.hubOf.get(subscriber);
    this.hubOf.delete(subscriber);
    if (hub) {
      hub.live.delete(subscriber);
      hub.members -= 1;
      if (hub.members === 0 && this.hubs.get(hub.merchantId) === hub) {
        hub.stop();
        this.hubs.delete(hub.merchantId);
      }
    }
    if (!subscriber.sink.closed) subscriber.sink.close();
    return this.leases.release(subscriber.merchantId, subscriber.id).catch(() => undefined);
  }

  private readAll(): void {
    for (const hub of this.hubs.values()) this.reader.poke(hub);
  }

  private every(ms: number, task: () => void): void {
    const timer = setInterval(task, ms);
    timer.unref();
    this.timers.push(timer);
  }
}

const shuttingDown = () => new DomainError('unavailable', 'shutting_down', 'this API instance is shutting down; connect again');
