import { Injectable } from '@nestjs/common';
import { NotificationEntity, NotificationRepository } from '@herald/persistence';
import { DeadLetters, NotificationJobs } from '@herald/queues';

export interface RedriveFilter {
  queue?: 'critical' | 'bulk';
  errorCode?: string;
  since?: Date;
  until?: Date;
  limit: number;
}

/** Sends dead notifications again through their original queue, with fresh attempts. */
@Injectable()
export class RedriveService {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly jobs: NotificationJobs,
    private readonly deadLetters: DeadLetters,
  ) {}

  /** `dead` → `queued` and a new job; null when the notification is not dead (already redriven, say). */
  async redrive(notificationId: string, by: string): Promise<NotificationEntity | null> {
    const revived = await this.revive(notificationId, { redriven: true, by });
    if (!revived) return null;
    // The dead send's finished job still sits in its queue under the same id: replace it.
    await this.jobs.reschedule(revived);
    return revived;
  }

  /**
   * An operator retried a dead send's own job (in `critical` or `bulk`) rather than its dead letter. That job sends
   * it, so only Postgres changes here, and the dead letter goes. The `dead → queued` guard is the one the dead
   * letter's Retry goes through, so whichever Retry comes first redrives and the other finds nothing to do.
   */
  async redriveInItsOwnJob(notificationId: string, jobId: string): Promise<NotificationEntity | null> {
    const revived = await this.revive(notificationId, { redriven: true, by: 'job-retry', job: jobId });
    if (revived) await this.deadLetters.remove(revived.id, revived.attempts);
    return revived;
  }

  /** The morning after an outage: every dead notification matching the filter, with its dead letter cleared. */
  async redriveMatching(filter: RedriveFilter, by: string): Promise<{ redriven: number }> {
    const dead = await this.notifications.findDead(filter);
    let redriven = 0;
    for (const notification of dead) {
      if (!(await this.redrive(notification.id, by))) continue;
      redriven += 1;
      await this.deadLetters.remove(notification.id, notification.attempts);
    }
    return { redriven };
  }

  private revive(notificationId: string, detail: Record<string, unknown>): Promise<NotificationEntity | null> {
    return this.notifications.transition(notificationId, {
      to: 'queued',
      from: ['dead'],
      set: { scheduledFor: new Date(), lastError: null, lastErrorCode: null },
      detail,
    });
  }
}
