import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { BULK_QUEUE, CRITICAL_QUEUE, SEND_NOTIFICATION_JOB, SendNotificationPayload, SendQueueName, sendJobId } from './queue-names';

/** What the queues need to know of a notification to wake a worker at the right time. */
export interface SchedulableNotification {
  id: string;
  priority: SendQueueName;
  scheduledFor: Date;
}

/** Where a notification becomes a job: one deterministic job per notification, due at its scheduled time. */
@Injectable()
export class NotificationJobs {
  private readonly logger = new Logger(NotificationJobs.name);

  constructor(
    @InjectQueue(CRITICAL_QUEUE) private readonly critical: Queue<SendNotificationPayload>,
    @InjectQueue(BULK_QUEUE) private readonly bulk: Queue<SendNotificationPayload>,
  ) {}

  queueFor(priority: SendQueueName): Queue<SendNotificationPayload> {
    return priority === CRITICAL_QUEUE ? this.critical : this.bulk;
  }

  /** Adds one job per notification (a no-op for one whose job already exists). */
  async schedule(notifications: SchedulableNotification[], now = Date.now()): Promise<void> {
    for (const priority of [CRITICAL_QUEUE, BULK_QUEUE] as const) {
      const batch = notifications.filter((n) => n.priority === priority);
      if (!batch.length) continue;
      await this.queueFor(priority).addBulk(
        batch.map((n) => ({
          name: SEND_NOTIFICATION_JOB,
          data: { notificationId: n.id },
          opts: { jobId: sendJobId(n.id), delay: Math.max(0, n.scheduledFor.getTime() - now) },
        })),
      );
    }
  }

  /**
   * Moves the notification's job to its new due time. BullMQ ignores `add()` while a job with the same id exists,
   * so a delayed job is moved in place and any other finished or waiting one is replaced.
   */
  async reschedule(notification: SchedulableNotification): Promise<void> {
    const job = await this.queueFor(notification.priority).getJob(sendJobId(notification.id));
    const delay = Math.max(0, notification.scheduledFor.getTime() - Date.now());
    if (job && (await job.isDelayed())) {
      try {
        await job.changeDelay(delay);
        return;
      } catch (error) {
        // It became due while we looked: fall through and replace it.
        this.logger.debug(`changeDelay lost a race for ${job.id}: ${(error as Error).message}`);
      }
    }
    if (job && !(await this.removeUnlessActive(job))) return;
    await this.schedule([notification]);
  }

  /** Removes the job if it is not running; a running one re-reads Postgres and stops there. */
  async unschedule(notification: Pick<SchedulableNotification, 'id' | 'priority'>): Promise<void> {
    const job = await this.queueFor(notification.priority).getJob(sendJobId(notification.id));
    if (job) await this.removeUnlessActive(job);
  }

  private async removeUnlessActive(job: Job): Promise<boolean> {
    try {
      await job.remove();
      return true;
    } catch {
      // Locked by a worker: that worker re-reads the notification and honours the new state.
      return false;
    }
  }
}
