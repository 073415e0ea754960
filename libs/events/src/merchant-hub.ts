import { Logger } from '@nestjs/common';
import { comparePositions, EventPosition, laterOf } from './event-position';
import { EventFilter } from './event-feed.service';

/** An event ready to go out: where it stands, what the filters look at, and its SSE frame (shared by every stream). */
export interface StreamEvent {
  position: EventPosition;
  notificationId: string;
  orderId: string | null;
  frame: string;
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

/** One open stream: its filter, how far it has been sent, and its client. */
export class Subscriber {
  closed = false;

  constructor(
    readonly id: string,
    readonly merchantId: string,
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
    return (!this.filter.orderId || event.orderId === this.filter.orderId) && (!this.filter.notificationId || event.notificationId === this.filter.notificationId);
  }
}

/** The first wait before reading again when events are held back, doubling up to the second figure. */
const HELD_BACK_FIRST_MS = 5;
const HELD_BACK_MAX_MS = 500;
const READ_FAILURE_RETRY_MS = 1000;

/**
 * One merchant's events on this API instance: one reader of the log, however many streams the merchant has open here.
 * It reads from `position` when poked (a signal, a reconnect, the periodic safety read) and hands each batch to the
 * streams that are live. Reads never overlap: a poke during a read makes it read again after.
 */
export class MerchantHub {
  readonly live = new Set<Subscriber>();
  /** Streams attached to the hub, live or still catching up; the hub goes when the last one does. */
  members = 0;
  private reading = false;
  private again = false;
  private stopped = false;
  private retryTimer?: NodeJS.Timeout;
  private heldBackDelay = HELD_BACK_FIRST_MS;

  constructor(
    readonly merchantId: string,
    /** Every event up to here has been handed to the live streams; only ever moves forward. */
    public position: EventPosition,
    private readonly read: (merchantId: string, after: EventPosition) => Promise<StreamBatch>,
    private readonly logger: Logger,
  ) {}

  poke(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    void this.readOn();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
  }

  private async readOn(): Promise<void> {
    this.reading = true;
    clearTimeout(this.retryTimer);
    try {
      do {
        this.again = false;
        const batch = await this.read(this.merchantId, this.position);
        if (this.stopped) return;
        for (const subscriber of this.live) subscriber.deliver(batch.events, batch.next);
        this.position = laterOf(this.position, batch.next);
        // Waiting longer and longer only while stuck: a long transaction elsewhere holds the horizon back.
        if (batch.events.length) this.heldBackDelay = HELD_BACK_FIRST_MS;
        if (batch.full) {
          this.again = true;
        } else if (batch.heldBack) {
          this.retryIn(this.heldBackDelay);
          this.heldBackDelay = Math.min(this.heldBackDelay * 2, HELD_BACK_MAX_MS);
        }
      } while (this.again && !this.stopped);
    } catch (error) {
      this.logger.warn({ msg: 'could not read live events; retrying', merchantId: this.merchantId, error: (error as Error).message });
      this.retryIn(READ_FAILURE_RETRY_MS);
    } finally {
      this.reading = false;
    }
  }

  private retryIn(ms: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.poke(), ms);
    this.retryTimer.unref();
  }
}
