import { Logger } from '@nestjs/common';
import { comparePositions, EventPosition, laterOf } from './event-position';
import { EventFilter } from './event-feed.service';

/** An event ready to go out: where it stands, what the filters look at, and its SSE frame (shared by every stream). */
export interface StreamEvent {
  position: EventPosition;
  notificationId: string;
  orderId: string | null;
  /** A test notification's event: it goes to the streams of test keys only, and theirs get nothing else. */
  test: boolean;
  frame: string;
}

/** What opened a stream, checked again when keys are revoked or the merchant disabled. */
export interface StreamCredential {
  /** The API key: the one in the Authorization header, or the one that issued the stream token. */
  keyId: string;
  /** The key is a test key: the stream carries the test world's events only. */
  test: boolean;
  /** Opened with a stream token (`?token=`) rather than the key itself. */
  viaToken: boolean;
}

export interface StreamBatch {
  events: StreamEvent[];
  /** Where a reader that took this batch stands: past its last event, or further when nothing else can precede. */
  next: EventPosition;
  /** The read stopped at its limit: there is more right away. */
  full: boolean;
  /** Committed events wait behind an older running transaction. */
  heldBack: boolean;
}

/** What a stream must be able to do with its client. The API adapts an HTTP response to it. */
export interface StreamSink {
  /** False when the frame had to be buffered (the client is not keeping up). */
  write(frame: string): boolean;
  /** Bytes written but not yet taken by the client. */
  readonly buffered: number;
  readonly closed: boolean;
  /** Resolves once the client has taken what was buffered, or the sink closed. */
  drained(): Promise<void>;
  onClose(listener: () => void): void;
  close(): void;
}

/** A live stream whose client holds more than this unsent is closed; it reconnects and resumes from Postgres. */
const SLOW_CLIENT_BYTES = 4 * 1024 * 1024;

/** One open stream: what opened it, its filter, how far it has been sent, and its client. */
export class Subscriber {
  closed = false;

  constructor(
    readonly id: string,
    readonly merchantId: string,
    readonly credential: StreamCredential,
    readonly filter: EventFilter,
    readonly sink: StreamSink,
    public cursor: EventPosition,
    private readonly drop: (subscriber: Subscriber) => void,
  ) {}

  /** Sends the batch's events past this stream's cursor that match its filter, then stands where the batch ends. */
  deliver(events: StreamEvent[], next: EventPosition): void {
    for (const event of events) {
      if (this.closed) return;
      if (comparePositions(event.position, this.cursor) <= 0 || !this.matches(event)) continue;
      this.write(event.frame);
    }
    this.cursor = laterOf(this.cursor, next);
  }

  write(frame: string): void {
    if (this.closed) return;
    if (!this.sink.write(frame) && this.sink.buffered > SLOW_CLIENT_BYTES) this.drop(this);
  }

  private matches(event: StreamEvent): boolean {
    return (
      event.test === this.credential.test &&
      (!this.filter.orderId || event.orderId === this.filter.orderId) &&
      (!this.filter.notificationId || event.notificationId === this.filter.notificationId)
    );
  }
}

/** The first wait before reading again when events are held back, doubling up to the second figure. */
const HELD_BACK_FIRST_MS = 5;
const HELD_BACK_MAX_MS = 500;
const READ_FAILURE_RETRY_MS = 1000;
/** Merchants read in one round trip at most. */
const HUBS_PER_READ = 100;

/** One merchant's events on this API instance: where its live streams stand, and the streams themselves. */
export class MerchantHub {
  readonly live = new Set<Subscriber>();
  /** Streams attached to the hub, live or still catching up; the hub goes when the last one does. */
  members = 0;
  stopped = false;
  heldBackDelay = HELD_BACK_FIRST_MS;
  retryTimer?: NodeJS.Timeout;

  constructor(
    readonly merchantId: string,
    /** Every event up to here has been handed to the live streams; only ever moves forward. */
    public position: EventPosition,
  ) {}

  /** Hands a batch to the live streams and moves past it. */
  deliver(batch: StreamBatch): void {
    for (const subscriber of this.live) subscriber.deliver(batch.events, batch.next);
    this.position = laterOf(this.position, batch.next);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
  }
}

/**
 * Reads new events for the hubs that were poked (a signal, a reconnect, the periodic safety read), all of them in one
 * round trip, and hands each hub its batch. One read at a time: hubs poked meanwhile are read together right after, so
 * the busier the instance, the more merchants each read serves. A hub is never read twice at once.
 */
export class HubReader {
  private readonly due = new Set<MerchantHub>();
  private reading = false;

  constructor(
    private readonly read: (hubs: MerchantHub[]) => Promise<Map<MerchantHub, StreamBatch>>,
    private readonly logger: Logger,
  ) {}

  poke(hub: MerchantHub): void {
    if (hub.stopped) return;
    clearTimeout(hub.retryTimer);
    this.due.add(hub);
    if (!this.reading) void this.readDue();
  }

  private async readDue(): Promise<void> {
    this.reading = true;
    try {
      while (this.due.size) {
        const hubs = [...this.due].slice(0, HUBS_PER_READ);
        for (const hub of hubs) this.due.delete(hub);
        let batches: Map<MerchantHub, StreamBatch>;
        try {
          batches = await this.read(hubs);
        } catch (error) {
          this.logger.warn({ msg: 'could not read live events; retrying', merchants: hubs.length, error: (error as Error).message });
          for (const hub of hubs) this.retryIn(hub, READ_FAILURE_RETRY_MS);
          continue;
        }
        for (const hub of hubs) this.settle(hub, batches.get(hub)!);
      }
    } finally {
      this.reading = false;
    }
  }

  private settle(hub: MerchantHub, batch: StreamBatch): void {
    if (hub.stopped) return;
    hub.deliver(batch);
    // Waiting longer and longer only while stuck: a long transaction holds the horizon back.
    if (batch.events.length) hub.heldBackDelay = HELD_BACK_FIRST_MS;
    if (batch.full) {
      this.due.add(hub);
    } else if (batch.heldBack) {
      this.retryIn(hub, hub.heldBackDelay);
      hub.heldBackDelay = Math.min(hub.heldBackDelay * 2, HELD_BACK_MAX_MS);
    }
  }

  private retryIn(hub: MerchantHub, ms: number): void {
    clearTimeout(hub.retryTimer);
    hub.retryTimer = setTimeout(() => this.poke(hub), ms);
    hub.retryTimer.unref();
  }
}
