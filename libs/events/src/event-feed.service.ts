import { Injectable } from '@nestjs/common';
import { EventLogRepository, LoggedEvent } from '@herald/persistence';
import { EventCursors } from './event-cursor';
import { EventPosition, laterOf, LOG_START, positionAtHorizon, positionOf, toLogPosition } from './event-position';
import { LiveEvent, toLiveEvent } from './live-event';

export interface EventFilter {
  orderId?: string;
  notificationId?: string;
}

export interface FeedQuery extends EventFilter {
  /** A cursor from an earlier page or event; absent: from the first event. */
  after?: string;
  limit: number;
}

export interface FeedPage {
  data: LiveEvent[];
  /** Always set: ask again with it for what happened next. */
  nextCursor: string;
}

/**
 * The merchant's status changes, oldest first, page by page: what a backend polls. `test`: the caller holds a test key
 * and reads the events of test notifications only; any other key, only the live ones.
 */
@Injectable()
export class EventFeed {
  constructor(
    private readonly log: EventLogRepository,
    private readonly cursors: EventCursors,
  ) {}

  async page(merchantId: string, test: boolean, query: FeedQuery): Promise<FeedPage> {
    const after = query.after ? this.cursors.decode(merchantId, query.after) : LOG_START;
    const page = await this.log.read({
      merchantId,
      test,
      after: toLogPosition(after),
      limit: query.limit,
      orderId: query.orderId,
      notificationId: query.notificationId,
    });
    const last = page.events.length ? positionOf(page.events[page.events.length - 1]) : after;
    // A short page holds every matching event below the horizon: the next read can start there.
    const next = page.events.length === query.limit || page.horizon === null ? last : laterOf(laterOf(after, last), positionAtHorizon(page.horizon));
    return { data: page.events.map((event) => this.view(event)), nextCursor: this.cursors.encode(merchantId, next) };
  }

  view(event: LoggedEvent): LiveEvent {
    return toLiveEvent(event, this.cursors.encode(event.merchantId, positionOf(event)));
  }

  cursorOf(merchantId: string, position: EventPosition): string {
    return this.cursors.encode(merchantId, position);
  }
}
