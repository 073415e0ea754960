import { Module } from '@nestjs/common';
import { EventAnnouncer } from './event-announcer';
import { EventCursors } from './event-cursor';
import { EventFeed } from './event-feed.service';
import { LiveStreams } from './live-streams.service';
import { RedisSignals } from './redis-signals';
import { StreamLeases } from './stream-leases';
import { StreamTokens } from './stream-token';

/**
 * What every Herald process needs of live events: it announces its commits to the event log, and can read the log in
 * the merchant's shape (the API's feed, the worker's webhooks).
 */
@Module({
  providers: [RedisSignals, EventAnnouncer, EventCursors, EventFeed],
  exports: [RedisSignals, EventCursors, EventFeed],
})
export class EventsModule {}

/** The API's event streams: Server-Sent Events, their tokens and their per-merchant limit. */
@Module({
  imports: [EventsModule],
  providers: [LiveStreams, StreamLeases, StreamTokens],
  exports: [LiveStreams, StreamTokens],
})
export class LiveStreamsModule {}
