import { Injectable, Logger } from '@nestjs/common';

export type EventLogCommitListener = (merchantIds: ReadonlySet<string>) => void;

/**
 * Says, in this process, that history events of these merchants were just committed. The repositories that write the
 * event log call it after their commit; libs/events listens and tells the other processes (through Redis). It only
 * wakes readers up: a reader that never hears of a commit still finds its events in Postgres, a little later.
 */
@Injectable()
export class EventLogCommits {
  private readonly logger = new Logger(EventLogCommits.name);
  private readonly listeners: EventLogCommitListener[] = [];

  listen(listener: EventLogCommitListener): void {
    this.listeners.push(listener);
  }

  committed(merchantIds: Iterable<string>): void {
    const merchants = new Set(merchantIds);
    if (!merchants.size) return;
    for (const listener of this.listeners) {
      try {
        listener(merchants);
      } catch (error) {
        // A listener's trouble must never fail the write that already committed.
        this.logger.warn(`event-log listener failed: ${(error as Error).message}`);
      }
    }
  }
}
