import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { NotificationEntity, NotificationEventEntity, NotificationStatus } from '../entities';
import { EventLogCommits } from '../event-log-commits';
import {
  EVENT_COLUMNS,
  insertNotificationsSql,
  NewNotificationRow,
  NOTIFICATION_COLUMNS,
  NOTIFICATIONS_AND_EVENTS_JSON,
  nextEventXid,
  reviveEvent,
  reviveNotification,
} from './notification.rows';
import { inWorld, Tenant } from './test-world';

export type NewNotification = NewNotificationRow;

/** Notifications as just written, with the history events written alongside them. */
export interface InsertedNotifications {
  notifications: NotificationEntity[];
  events: NotificationEventEntity[];
}

/** Columns a status change may also set. */
export interface NotificationChanges {
  provider?: string | null;
  providerMessageId?: string | null;
  lastError?: string | null;
  lastErrorCode?: string | null;
  statusReason?: string | null;
  scheduledFor?: Date;
  sentAt?: Date | null;
  subject?: string | null;
  body?: string | null;
}

export interface Transition {
  to: NotificationStatus;
  /** The change happens only from one of these statuses; otherwise nothing is written. */
  from: readonly NotificationStatus[];
  set?: NotificationChanges;
  detail?: Record<string, unknown>;
}

/** A notification Redis must hold a job for, as much of it as the job is made of. */
export type PendingWork = Pick<NotificationEntity, 'id' | 'priority' | 'kind' | 'channel' | 'test' | 'scheduledFor'>;

export interface NotificationPageQuery {
  merchantId: string;
  /** The test world (what test keys made), or the live one. */
  test: boolean;
  status?: NotificationStatus;
  orderId?: string;
  limit: number;
  after?: { createdAt: Date; id: string };
}

const COLUMN_OF: Record<keyof NotificationChanges, string> = {
  provider: 'provider',
  providerMessageId: 'provider_message_id',
  lastError: 'last_error',
  lastErrorCode: 'last_error_code',
  statusReason: 'status_reason',
  scheduledFor: 'scheduled_for',
  sentAt: 'sent_at',
  subject: 'subject',
  body: 'body',
};

@Injectable()
export class NotificationRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly commits: EventLogCommits,
  ) {}

  /** Inserts notifications and their first events in one statement; pass a transaction's manager to join it. */
  async insert(notifications: NewNotification[], manager: EntityManager = this.db.manager): Promise<InsertedNotifications> {
    if (!notifications.length) return { notifications: [], events: [] };
    const { sql, params } = insertNotificationsSql(notifications, 1);
    const [row] = await manager.query(`WITH ${sql} SELECT ${NOTIFICATIONS_AND_EVENTS_JSON}`, params);
    const inserted = { notifications: row.notifications.map(reviveNotification), events: row.events.map(reviveEvent) };
    this.announce(inserted.notifications, manager);
    return inserted;
  }

  async findById(id: string): Promise<NotificationEntity | null> {
    const rows: NotificationEntity[] = await this.db.query(`SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** The merchant's notification, in the world asked for (`test`: made by a test key); null in the other. */
  async findForMerchant({ merchantId, test }: Tenant, id: string): Promise<NotificationEntity | null> {
    const rows: NotificationEntity[] = await this.db.query(
      `SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE id = $1 AND merchant_id = $2 AND ${inWorld('notifications', test)}`,
      [id, merchantId],
    );
    return rows[0] ?? null;
  }

  /** The notification a provider knows by this message id (a delivery receipt that lost Herald's own id). */
  async findByProviderMessageId(provider: string, providerMessageId: string): Promise<NotificationEntity | null> {
    const rows: NotificationEntity[] = await this.db.query(
      `SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE provider_message_id = $1 AND provider = $2`,
      [providerMessageId, provider],
    );
    return rows[0] ?? null;
  }

  async findByOrder(orderId: string, manager: EntityManager = this.db.manager): Promise<NotificationEntity[]> {
    return manager.query(`SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE order_id = $1 ORDER BY created_at, kind`, [orderId]);
  }

  /** Newest first; the cursor is the last row of the previous page. */
  async page(query: NotificationPageQuery): Promise<NotificationEntity[]> {
    const where = ['merchant_id = $1', inWorld('notifications', query.test)];
    const params: unknown[] = [query.merchantId];
    if (query.status) where.push(`status = $${params.push(query.status)}`);
    if (query.orderId) where.push(`order_id = $${params.push(query.orderId)}`);
    if (query.after) {
      where.push(`(created_at, id) < ($${params.push(query.after.createdAt)}, $${params.push(query.after.id)})`);
    }
    return this.db.query(
      `SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE ${where.join(' AND ')}
       ORDER BY created_at DESC, id DESC LIMIT $${params.push(query.limit)}`,
      params,
    );
  }

  /**
   * One page of the work Redis must hold a job for: pending notifications, and `sending` ones whose worker died
   * (claim older than `staleSendingAfterMs`), with only what their jobs are made of. Keyset-paginated on
   * (scheduled_for, id).
   */
  async pendingPage(after: { scheduledFor: Date; id: string } | null, limit: number, staleSendingAfterMs: number): Promise<PendingWork[]> {
    const params: unknown[] = [staleSendingAfterMs / 1000, limit];
    const cursor = after ? `AND (scheduled_for, id) > ($${params.push(after.scheduledFor)}, $${params.push(after.id)})` : '';
    return this.db.query(
      `SELECT id, priority, kind, channel, test, scheduled_for AS "scheduledFor" FROM notifications
       WHERE status IN ('scheduled', 'queued', 'sending')
         AND (status <> 'sending' OR updated_at < now() - make_interval(secs => $1))
         ${cursor}
       ORDER BY scheduled_for, id LIMIT $2`,
      params,
    );
  }

  /**
   * One page of a merchant's notifications that are due and waiting (`scheduled`, `queued`): the sends held while it
   * was disabled. Keyset-paginated on (scheduled_for, id).
   */
  async duePendingPage(merchantId: string, after: { scheduledFor: Date; id: string } | null, limit: number): Promise<NotificationEntity[]> {
    const params: unknown[] = [merchantId, limit];
    const cursor = after ? `AND (scheduled_for, id) > ($${params.push(after.scheduledFor)}, $${params.push(after.id)})` : '';
    return this.db.query(
      `SELECT ${NOTIFICATION_COLUMNS} FROM notifications
       WHERE merchant_id = $1 AND status IN ('scheduled', 'queued') AND scheduled_for <= now()
         ${cursor}
       ORDER BY scheduled_for, id LIMIT $2`,
      params,
    );
  }

  /**
   * Dead notifications for a bulk redrive, oldest first. Test sends are left out: they never had a dead letter; so are
   * those whose recipient was erased (they have none to go to).
   */
  async findDead(filter: { queue?: string; errorCode?: string; since?: Date; until?: Date; limit: number }): Promise<NotificationEntity[]> {
    const where = [`status = 'dead'`, 'NOT test', `recipient <> ''`];
    const params: unknown[] = [];
    if (filter.queue) where.push(`priority = $${params.push(filter.queue)}`);
    if (filter.errorCode) where.push(`last_error_code = $${params.push(filter.errorCode)}`);
    if (filter.since) where.push(`updated_at >= $${params.push(filter.since)}`);
    if (filter.until) where.push(`updated_at < $${params.push(filter.until)}`);
    return this.db.query(
      `SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE ${where.join(' AND ')} ORDER BY updated_at LIMIT $${params.push(filter.limit)}`,
      params,
    );
  }

  async eventsOf(notificationIds: string[]): Promise<NotificationEventEntity[]> {
    if (!notificationIds.length) return [];
    return this.db.query(
      `SELECT ${EVENT_COLUMNS} FROM notification_events WHERE notification_id = ANY($1::uuid[]) ORDER BY id`,
      [notificationIds],
    );
  }

  /**
   * Changes the status if, and only if, the notification is in one of `from`, and appends the event in the same
   * statement. Returns the updated notification, or null when the guard did not hold (nothing was written).
   */
  async transition(id: string, change: Transition, manager: EntityManager = this.db.manager): Promise<NotificationEntity | null> {
    const params: unknown[] = [id, change.to, change.from, change.detail ?? null];
    const sets = ['status = $2', 'updated_at = now()', nextEventXid('notifications')];
    for (const [key, value] of Object.entries(change.set ?? {}) as [keyof NotificationChanges, unknown][]) {
      if (value === undefined) continue;
      sets.push(`${COLUMN_OF[key]} = $${params.push(value)}`);
    }
    const guard = 'status = ANY($3::text[])';
    const rows: (NotificationEntity & { eventXid?: string })[] = await manager.query(
      `WITH changed AS (
         UPDATE notifications SET ${sets.join(', ')} WHERE id = $1 AND ${guard}
         RETURNING ${NOTIFICATION_COLUMNS}, last_event_xid AS "eventXid"
       ), logged AS (
         INSERT INTO notification_events (notification_id, merchant_id, test, order_xid, status, detail)
         SELECT "id", "merchantId", "test", "eventXid", "status", $4::jsonb FROM changed
       )
       SELECT * FROM changed`,
      params,
    );
    const changed = rows[0];
    if (!changed) return null;
    delete changed.eventXid;
    this.announce([changed], manager);
    return changed;
  }

  /**
   * Tells listeners (libs/events) that these notifications' new events are committed. A write inside a caller's
   * transaction is not committed yet: the transaction's owner announces once it commits (see OrderRepository).
   */
  private announce(written: { merchantId: string }[], manager: EntityManager = this.db.manager): void {
    if (manager.queryRunner?.isTransactionActive) return;
    this.commits.committed(written.map((w) => w.merchantId));
  }
}
