import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Channel, NotificationKind, NotificationStatus } from '../entities';
import { inWorld } from './test-world';

/**
 * A place in a merchant's event log: events sort by (xid, id), see the LiveEvents migration. Both are 64-bit, carried
 * as decimal strings. `id` 0 stands before every event of transaction `xid`.
 */
export interface LogPosition {
  xid: string;
  id: string;
}

/** One history event with what the merchant's event shape needs of its notification. */
export interface LoggedEvent {
  id: string;
  orderXid: string;
  merchantId: string;
  notificationId: string;
  orderId: string | null;
  kind: NotificationKind;
  channel: Channel;
  recipient: string;
  status: NotificationStatus;
  at: Date;
  detail: Record<string, unknown> | null;
  /** The notification's current reason and error code (a final status keeps them). */
  notificationStatusReason: string | null;
  notificationErrorCode: string | null;
  /** The notification was made with a test key: it never reached a provider. */
  test: boolean;
}

export interface EventLogQuery {
  merchantId: string;
  /** The test world's events (of what test keys made), or the live ones. */
  test: boolean;
  after: LogPosition;
  limit: number;
  orderId?: string;
  notificationId?: string;
  /**
   * Read up to this position (included), one that some earlier read already reached and therefore final. Without it,
   * the read stops at the visibility horizon.
   */
  upTo?: LogPosition;
}

export interface EventLogPage {
  events: LoggedEvent[];
  /**
   * The horizon of this read: every event that will ever sort before (horizon, 0) is committed and was visible to it.
   * Null for a read bounded by `upTo`.
   */
  horizon: string | null;
}

export interface LiveEventLogPage extends EventLogPage {
  /** Committed events past the horizon exist: they wait for an older transaction to finish; read again shortly. */
  heldBack: boolean;
}

/** The SELECT list (over `e` events and `n` notifications) that `reviveLoggedEvent` reads. */
export const LOGGED_EVENT_JSON = `json_build_object(
  'id', e.id::text, 'orderXid', e.order_xid::text, 'merchantId', e.merchant_id, 'notificationId', e.notification_id,
  'orderId', n.order_id, 'kind', n.kind, 'channel', n.channel, 'recipient', n.recipient, 'status', e.status, 'at', e.at,
  'detail', e.detail, 'notificationStatusReason', n.status_reason, 'notificationErrorCode', n.last_error_code, 'test', e.test)`;

export const reviveLoggedEvent = (row: LoggedEvent): LoggedEvent => ({ ...row, at: new Date(row.at) });

/**
 * The visibility horizon of the statement: every event that will ever sort before (horizon, 0) is committed and
 * visible to it, or gone for good. It is the oldest transaction still running at the statement's snapshot — leaving out
 * those positively known (pg_stat_activity) to run in another database of the cluster, which cannot write here, so a
 * long transaction elsewhere does not stall live events. A transaction that ended meanwhile, or whose backend Herald's
 * role may not see, is kept: the horizon is never later than it may be, at worst a little earlier. Without running
 * transactions it is the snapshot's xmax (the next transaction id).
 */
export const VISIBILITY_HORIZON = `(
  SELECT least(pg_snapshot_xmax(s), (
    SELECT min(x) FROM pg_snapshot_xip(s) AS x
    WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.backend_xid = x::xid AND a.datname <> current_database())))
  FROM (SELECT pg_current_snapshot() AS s) snapshot)`;

/**
 * Reads a merchant's history events in feed order, never past the visibility horizon: bigserial ids and transaction
 * ids are handed out before commit, so an event can become visible after a later one; stopping before the oldest
 * transaction still running means a reader that moves past an event never finds an older one appear behind it.
 */
@Injectable()
export class EventLogRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async horizon(): Promise<string> {
    const [row] = await this.db.query(`SELECT ${VISIBILITY_HORIZON}::text AS horizon`);
    return row.horizon;
  }

  async read(query: EventLogQuery): Promise<EventLogPage> {
    const params: unknown[] = [query.merchantId, query.after.xid, query.after.id, query.limit];
    const where = ['e.merchant_id = $1', inWorld('e', query.test), '(e.order_xid, e.id) > ($2::xid8, $3::bigint)'];
    if (query.upTo) where.push(`(e.order_xid, e.id) <= ($${params.push(query.upTo.xid)}::xid8, $${params.push(query.upTo.id)}::bigint)`);
    else where.push('e.order_xid < (SELECT xmin FROM horizon)');
    if (query.notificationId) where.push(`e.notification_id = $${params.push(query.notificationId)}`);
    if (query.orderId) where.push(`e.notification_id IN (SELECT id FROM notifications WHERE order_id = $${params.push(query.orderId)} AND merchant_id = $1)`);
    const [row] = await this.db.query(
      `WITH horizon AS MATERIALIZED (SELECT ${VISIBILITY_HORIZON} AS xmin),
       page AS (
         SELECT e.* FROM notification_events e WHERE ${where.join(' AND ')} ORDER BY e.order_xid, e.id LIMIT $4
       )
       SELECT ${query.upTo ? 'NULL' : '(SELECT xmin::text FROM horizon)'} AS horizon,
              (SELECT coalesce(json_agg(${LOGGED_EVENT_JSON} ORDER BY e.order_xid, e.id), '[]')
               FROM page e JOIN notifications n ON n.id = e.notification_id) AS events`,
      params,
    );
    return { events: row.events.map(reviveLoggedEvent), horizon: row.horizon };
  }

  /**
   * `read` for several merchants at once, each from its own position and up to `limit` events, below one shared
   * horizon: one round trip however many merchants have news. Answers a page per merchant asked.
   */
  async readMany(reads: { merchantId: string; after: LogPosition }[], limit: number): Promise<Map<string, LiveEventLogPage>> {
    const [row] = await this.db.query(
      `WITH horizon AS MATERIALIZED (SELECT ${VISIBILITY_HORIZON} AS xmin),
       wanted AS (SELECT * FROM unnest($1::uuid[], $2::xid8[], $3::bigint[]) AS w(merchant_id, xid, id)),
       page AS (
         SELECT e.* FROM wanted w CROSS JOIN LATERAL (
           SELECT * FROM notification_events e
           WHERE e.merchant_id = w.merchant_id AND (e.order_xid, e.id) > (w.xid, w.id) AND e.order_xid < (SELECT xmin FROM horizon)
           ORDER BY e.order_xid, e.id LIMIT $4
         ) e
       )
       SELECT (SELECT xmin::text FROM horizon) AS horizon,
              (SELECT coalesce(array_agg(w.merchant_id), '{}') FROM wanted w
               WHERE EXISTS (SELECT 1 FROM notification_events h
                             WHERE h.merchant_id = w.merchant_id AND h.order_xid >= (SELECT xmin FROM horizon) AND (h.order_xid, h.id) > (w.xid, w.id))) AS "heldBack",
              (SELECT coalesce(json_agg(${LOGGED_EVENT_JSON} ORDER BY e.order_xid, e.id), '[]')
               FROM page e JOIN notifications n ON n.id = e.notification_id) AS events`,
      [reads.map((r) => r.merchantId), reads.map((r) => r.after.xid), reads.map((r) => r.after.id), limit],
    );
    const heldBack = new Set<string>(row.heldBack);
    const pages = new Map<string, LiveEventLogPage>(reads.map((r) => [r.merchantId, { events: [], horizon: row.horizon, heldBack: heldBack.has(r.merchantId) }]));
    for (const event of row.events as LoggedEvent[]) pages.get(event.merchantId)!.events.push(reviveLoggedEvent(event));
    return pages;
  }
}
