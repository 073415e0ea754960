import { Injectable, OnModuleInit } from '@nestjs/common';
import { EventLogCommits } from '@herald/persistence';
import { RedisSignals } from './redis-signals';

/**
 * Tells every Herald process, after each commit to the event log in this one, which merchants have new events. A
 * group commit of `sent` writes becomes one PUBLISH, and writes that finish in the same event-loop turn share it.
 */
@Injectable()
export class EventAnnouncer implements OnModuleInit {
  constructor(
    private readonly commits: EventLogCommits,
    private readonly signals: RedisSignals,
  ) {}

  onModuleInit(): void {
    this.commits.listen((merchantIds) => this.signals.publish('events', merchantIds));
  }
}
