import { Injectable, Logger } from '@nestjs/common';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { CampaignRepository, ErasureRepository, NotificationRepository, PendingWork } from '@herald/persistence';
import { CampaignJobs, ErasureJobs, NotificationJobs } from '@herald/queues';

const PAGE_SIZE = 1000;
/** A pending notification this far past due whose job has finished is stuck, not merely busy. */
const STUCK_AFTER_MS = 60_000;

/**
 * Postgres rebuilds Redis: every notification that should have a job but has none gets it back, under the same
 * job id and due time (a campaign's sends in their provider's campaign queue), every campaign whose fan-out has not
 * finished gets its fan-out job back, and every erasure not finished its job. Safe to run anywhere, any time,
 * concurrently: adding an existing job id is a no-op.
 */
@Injectable()
export class PendingWorkReconciler {
  private readonly logger = new Logger(PendingWorkReconciler.name);

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly jobs: NotificationJobs,
    private readonly campaigns: CampaignRepository,
    private readonly campaignJobs: CampaignJobs,
    private readonly erasures: ErasureRepository,
    private readonly erasureJobs: ErasureJobs,
    @InjectConfig() private readonly config: HeraldConfig,
  ) {}

  async reconcile(): Promise<{ checked: number; restored: number; fanOuts: number; erasures: number; ms: number }> {
    const started = Date.now();
    let checked = 0;
    let restored = 0;
    // Postgres reads the next page while Redis takes the previous one: the two round trips overlap, and no more than
    // two pages are held at once.
    let next = this.pendingPageAfter(null);
    for (;;) {
      const page = await next;
      if (!page.length) break;
      checked += page.length;
      const last = page[page.length - 1];
      next = page.length < PAGE_SIZE ? Promise.resolve([]) : this.pendingPageAfter(last);
      // Awaited at the top of the loop; until then, a failure of the restore below must not leave it unhandled.
      next.catch(() => undefined);
      restored += await this.restore(page);
    }
    const fanOuts = await this.campaigns.unfinishedFanOuts();
    for (const campaignId of fanOuts) await this.campaignJobs.ensureFanOut(campaignId);
    const erasures = await this.erasures.unfinished();
    for (const erasureId of erasures) await this.erasureJobs.ensure(erasureId);
    const result = { checked, restored, fanOuts: fanOuts.length, erasures: erasures.length, ms: Date.now() - started };
    if (restored) this.logger.warn({ msg: 'restored jobs missing from Redis', ...result });
    return result;
  }

  private pendingPageAfter(after: PendingWork | null): Promise<PendingWork[]> {
    return this.notifications.pendingPage(after && { scheduledFor: after.scheduledFor, id: after.id }, PAGE_SIZE, this.config.sendingLeaseMs);
  }

  /** Adds the jobs missing for this page's notifications, replaces those that finished without them; returns how many. */
  private async restore(page: PendingWork[]): Promise<number> {
    const { missing, finished } = await this.jobs.findOrphans(page, new Date(Date.now() - STUCK_AFTER_MS));
    await this.jobs.schedule(missing);
    for (const stuck of finished) await this.jobs.reschedule(stuck);
    return missing.length + finished.length;
  }
}
