import { Injectable, Logger } from '@nestjs/common';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { NotificationEntity, NotificationRepository } from '@herald/persistence';
import { NotificationJobs } from '@herald/queues';

const PAGE_SIZE = 1000;
/** A pending notification this far past due whose job has finished is stuck, not merely busy. */
const STUCK_AFTER_MS = 60_000;

/**
 * Postgres rebuilds Redis: every notification that should have a job but has none gets it back, under the same
 * job id and due time. Safe to run anywhere, any time, concurrently: adding an existing job id is a no-op.
 */
@Injectable()
export class PendingWorkReconciler {
  private readonly logger = new Logger(PendingWorkReconciler.name);

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly jobs: NotificationJobs,
    @InjectConfig() private readonly config: HeraldConfig,
  ) {}

  async reconcile(): Promise<{ checked: number; restored: number; ms: number }> {
    const started = Date.now();
    let checked = 0;
    let restored = 0;
    let after: NotificationEntity | null = null;
    for (;;) {
      const page = await this.notifications.pendingPage(
        after && { scheduledFor: after.scheduledFor, id: after.id },
        PAGE_SIZE,
        this.config.sendingLeaseMs,
      );
      if (!page.length) break;
      checked += page.length;
      const { missing, finished } = await this.jobs.findOrphans(page, new Date(Date.now() - STUCK_AFTER_MS));
      await this.jobs.schedule(missing);
      for (const stuck of finished) await this.jobs.reschedule(stuck);
      restored += missing.length + finished.length;
      after = page[page.length - 1];
      if (page.length < PAGE_SIZE) break;
    }
    const result = { checked, restored, ms: Date.now() - started };
    if (restored) this.logger.warn({ msg: 'restored jobs missing from Redis', ...result });
    return result;
  }
}
