import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import type { RedisClient } from '@herald/redis';
import {
  BULK_EMAIL_QUEUE,
  BULK_QUEUE,
  BULK_SMS_QUEUE,
  CRITICAL_QUEUE,
  RECONCILE_PENDING_JOB,
  SEND_NOTIFICATION_JOB,
  SEND_QUEUES,
  SendNotificationPayload,
  SendQueueName,
  sendJobId,
  sendQueueOf,
} from './queue-names';

const RECONCILE_JOB_RETENTION = { removeOnComplete: true, removeOnFail: { count: 20 } };
/** Up to this many jobs for one queue are added one by one rather than in one `addBulk` (see schedule). */
const SEPARATE_ADDS_UP_TO = 4;

/** What the queues need to know of a notification to wake a worker at the right time. */
export interface SchedulableNotification {
  id: string;
  priority: 'critical' | 'bulk';
  /** With `channel`, picks a campaign's send out of `bulk` into its provider's campaign queue (see sendQueueOf). */
  kind: string;
  channel: 'sms' | 'email' | 'whatsapp';
  /** A test key's: see sendQueueOf. */
  test: boolean;
  scheduledFor: Date;
}

/** Where a notification becomes a job: one deterministic job per notification, due at its scheduled time. */
@Injectable()
export class NotificationJobs {
  private readonly logger = new Logger(NotificationJobs.name);

  private readonly queues: Record<SendQueueName, Queue<SendNotificationPayload>>;

  constructor(
    @InjectQueue(CRITICAL_QUEUE) private readonly critical: Queue<SendNotificationPayload>,
    @InjectQueue(BULK_QUEUE) bulk: Queue<SendNotificationPayload>,
    @InjectQueue(BULK_SMS_QUEUE) bulkSms: Queue<SendNotificationPayload>,
    @InjectQueue(BULK_EMAIL_QUEUE) bulkEmail: Queue<SendNotificationPayload>,
  ) {
    this.queues = { [CRITICAL_QUEUE]: critical, [BULK_QUEUE]: bulk, [BULK_SMS_QUEUE]: bulkSms, [BULK_EMAIL_QUEUE]: bulkEmail };
  }

  queueFor(notification: Pick<SchedulableNotification, 'priority' | 'kind' | 'channel' | 'test'>): Queue<SendNotificationPayload> {
    return this.queues[sendQueueOf(notification)];
  }

  /**
   * Creates or refreshes the job scheduler that runs reconciliation every `everyMs` (idempotent). Its runs keep their
   * own retention: a finished one is dropped at once, so they never crowd sends out of `critical`'s Completed tab;
   * the last few failures stay for an operator to read.
   */
  async scheduleReconciliation(everyMs: number): Promise<void> {
    await this.critical.upsertJobScheduler(
      RECONCILE_PENDING_JOB,
      { every: everyMs },
      { name: RECONCILE_PENDING_JOB, data: {} as never, opts: RECONCILE_JOB_RETENTION },
    );
  }

  /**
   * Adds one job per notification (a no-op for one whose job already exists). A few jobs (an order's) are added one by
   * one, all sent at once on the queue's connection; more go in one `addBulk`, whose pipeline ioredis builds by copying
   * every BullMQ script onto it: for an order's two jobs that copy cost twice the two adds (docs/benchmarks.md).
   */
  async schedule(notifications: SchedulableNotification[], now = Date.now()): Promise<void> {
    for (const name of SEND_QUEUES) {
      const batch = notifications.filter((n) => sendQueueOf(n) === name);
      if (!batch.length) continue;
      const queue = this.queues[name];
      const jobs = batch.map((n) => ({
        name: SEND_NOTIFICATION_JOB,
        data: { notificationId: n.id },
        opts: { jobId: sendJobId(n.id), delay: Math.max(0, n.scheduledFor.getTime() - now) },
      }));
      if (jobs.length <= SEPARATE_ADDS_UP_TO) await Promise.all(jobs.map((job) => queue.add(job.name, job.data, job.opts)));
      else await queue.addBulk(jobs);
    }
  }

  /**
   * Moves the notification's job to its new due time. BullMQ ignores `add()` while a job with the same id exists,
   * so a delayed job is moved in place and any other finished or waiting one is replaced.
   */
  async reschedule(notification: SchedulableNotification): Promise<void> {
    const job = await this.queueFor(notification).getJob(sendJobId(notification.id));
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

  /**
   * Which of these notifications have no job in Redis at all (Redis was flushed or lost its data), and which have
   * one that finished without the notification finishing (e.g. given up after too many stalls). One pipelined round
   * trip per queue answers both: a job hash without `name` does not exist; one with `finishedOn` has finished. Only
   * long-overdue notifications count as finished, so a job finishing right now is not mistaken for a stuck one.
   * One pipeline per queue is also what a Redis Cluster allows: a queue's keys share its hash tag, so one slot.
   */
  async findOrphans(
    notifications: SchedulableNotification[],
    overdueBefore: Date,
  ): Promise<{ missing: SchedulableNotification[]; finished: SchedulableNotification[] }> {
    const missing: SchedulableNotification[] = [];
    const finished: SchedulableNotification[] = [];
    for (const name of SEND_QUEUES) {
      const queue = this.queues[name];
      const batch = notifications.filter((n) => sendQueueOf(n) === name);
      if (!batch.length) continue;
      // BullMQ's client type hides ioredis' pipeline commands; it wraps the queue's client from RedisClients.
      const client = (await queue.client) as unknown as RedisClient;
      const pipeline = client.pipeline();
      for (const n of batch) pipeline.hmget(queue.toKey(sendJobId(n.id)), 'name', 'finishedOn');
      const jobs = (await pipeline.exec()) ?? [];
      for (const [index, n] of batch.entries()) {
        const [name, finishedOn] = (jobs[index]?.[1] as (string | null)[] | undefined) ?? [null, null];
        if (name === null) missing.push(n);
        else if (finishedOn !== null && n.scheduledFor < overdueBefore) finished.push(n);
      }
    }
    return { missing, finished };
  }

  /** Removes the job if it is not running; a running one re-reads Postgres and stops there. */
  async unschedule(notification: Pick<SchedulableNotification, 'id' | 'priority' | 'kind' | 'channel' | 'test'>): Promise<void> {
    const job = await this.queueFor(notification).getJob(sendJobId(notification.id));
    if (job) await this.removeUnlessActive(job);
  }

  /**
   * Removes the waiting and delayed jobs of notifications that will never be sent (a cancelled campaign's), so they
   * do not spend their queue's rate limit on doing nothing. A job being worked on is left to re-read Postgres.
   */
  async discard(notifications: Pick<SchedulableNotification, 'id' | 'priority' | 'kind' | 'channel' | 'test'>[]): Promise<void> {
    const REMOVALS_AT_ONCE = 100;
    for (let i = 0; i < notifications.length; i += REMOVALS_AT_ONCE) {
      await Promise.all(
        notifications.slice(i, i + REMOVALS_AT_ONCE).map((n) => this.queueFor(n).remove(sendJobId(n.id)).catch(() => 0)),
      );
    }
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
