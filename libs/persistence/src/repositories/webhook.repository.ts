import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotificationStatus, WebhookAttempt, WebhookDeliveryEntity, WebhookDeliveryStatus, WebhookEndpointEntity } from '../entities';
import { LOGGED_EVENT_JSON, LoggedEvent, reviveLoggedEvent, VISIBILITY_HORIZON } from './event-log.repository';

export interface EndpointSettings {
  merchantId: string;
  url: string;
  statuses: NotificationStatus[] | null;
  secret: Buffer;
}

/** What one run of the dispatcher did for a merchant. */
export interface DispatchResult {
  /** False when another process holds the endpoint (it is dispatching), or there is no endpoint. */
  locked: boolean;
  /** Events read past the cursor (some may not match the endpoint's statuses). */
  scanned: number;
  /** Deliveries created, to be queued. */
  deliveryIds: string[];
  /** Committed events wait behind an older running transaction: dispatch again shortly. */
  heldBack: boolean;
}

/** A delivery with everything needed to make its HTTP attempt. */
export interface DeliveryToSend {
  delivery: WebhookDeliveryEntity;
  /** Null when the merchant removed its endpoint since. */
  endpoint: { url: string; secret: Buffer } | null;
  event: LoggedEvent;
  merchantName: string;
  orderReference: string | null;
}

/** A delivery as the merchant lists it, with its event's type. */
export type DeliveryRecord = WebhookDeliveryEntity & { eventStatus: NotificationStatus; notificationId: string; eventXid: string; test: boolean };

const ENDPOINT_COLUMNS = `merchant_id AS "merchantId", url, statuses, secret, created_at AS "createdAt", updated_at AS "updatedAt"`;
const DELIVERY_COLUMNS = `d.id, d.merchant_id AS "merchantId", d.event_id::text AS "eventId", d.status, d.attempts,
  d.created_at AS "createdAt", d.updated_at AS "updatedAt"`;

/** The merchant's webhook endpoint and the deliveries of its events. */
@Injectable()
export class WebhookRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Creates or replaces the endpoint. A new one starts with the events committed from now on. */
  async upsertEndpoint(settings: EndpointSettings): Promise<WebhookEndpointEntity> {
    const [row] = await this.db.query(
      `INSERT INTO webhook_endpoints (merchant_id, url, statuses, secret, cursor_xid)
       VALUES ($1, $2, $3, $4, ${VISIBILITY_HORIZON})
       ON CONFLICT (merchant_id) DO UPDATE SET url = EXCLUDED.url, statuses = EXCLUDED.statuses, secret = EXCLUDED.secret, updated_at = now()
       RETURNING ${ENDPOINT_COLUMNS}`,
      [settings.merchantId, settings.url, settings.statuses, settings.secret],
    );
    return row;
  }

  async findEndpoint(merchantId: string): Promise<WebhookEndpointEntity | null> {
    const rows = await this.db.query(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE merchant_id = $1`, [merchantId]);
    return rows[0] ?? null;
  }

  async deleteEndpoint(merchantId: string): Promise<boolean> {
    const [, count] = await this.db.query(`DELETE FROM webhook_endpoints WHERE merchant_id = $1`, [merchantId]);
    return count > 0;
  }

  async merchantsWithEndpoints(): Promise<string[]> {
    const rows: { merchantId: string }[] = await this.db.query(`SELECT merchant_id AS "merchantId" FROM webhook_endpoints`);
    return rows.map((row) => row.merchantId);
  }

  /** Merchants whose endpoint has not read all of their visible events. */
  async merchantsBehind(): Promise<string[]> {
    const rows: { merchantId: string }[] = await this.db.query(
      `SELECT w.merchant_id AS "merchantId" FROM webhook_endpoints w
       WHERE EXISTS (SELECT 1 FROM notification_events e WHERE e.merchant_id = w.merchant_id AND (e.order_xid, e.id) > (w.cursor_xid, w.cursor_id))`,
    );
    return rows.map((row) => row.merchantId);
  }

  /**
   * One statement: locks the merchant's endpoint (skipping it if another process has it), reads up to `limit` events
   * past its cursor and below the visibility horizon, creates a pending delivery for each whose status the endpoint
   * wants, and moves the cursor past all of them. Delivering an event twice is impossible: (merchant, event) is unique.
   */
  async dispatch(merchantId: string, limit: number): Promise<DispatchResult> {
    const [row] = await this.db.query(
      `WITH endpoint AS (
         SELECT merchant_id, statuses, cursor_xid, cursor_id FROM webhook_endpoints WHERE merchant_id = $1 FOR UPDATE SKIP LOCKED
       ), horizon AS MATERIALIZED (SELECT ${VISIBILITY_HORIZON} AS xmin
       ), batch AS (
         SELECT e.id, e.order_xid, e.status FROM notification_events e, endpoint p
         WHERE e.merchant_id = p.merchant_id AND (e.order_xid, e.id) > (p.cursor_xid, p.cursor_id) AND e.order_xid < (SELECT xmin FROM horizon)
         ORDER BY e.order_xid, e.id LIMIT $2
       ), created AS (
         INSERT INTO webhook_deliveries (id, merchant_id, event_id, status)
         SELECT gen_random_uuid(), $1, b.id, 'pending' FROM batch b, endpoint p
         WHERE p.statuses IS NULL OR b.status = ANY(p.statuses)
         ORDER BY b.order_xid, b.id
         ON CONFLICT (merchant_id, event_id) DO NOTHING
         RETURNING id
       ), last AS (
         SELECT order_xid, id FROM batch ORDER BY order_xid DESC, id DESC LIMIT 1
       ), moved AS (
         UPDATE webhook_endpoints w SET cursor_xid = last.order_xid, cursor_id = last.id FROM last WHERE w.merchant_id = $1
       )
       SELECT EXISTS (SELECT 1 FROM endpoint) AS locked, (SELECT count(*)::int FROM batch) AS scanned,
              (SELECT coalesce(array_agg(id), '{}') FROM created) AS "deliveryIds",
              EXISTS (SELECT 1 FROM notification_events e, endpoint p
                      WHERE e.merchant_id = p.merchant_id AND e.order_xid >= (SELECT xmin FROM horizon)
                        AND (e.order_xid, e.id) > (p.cursor_xid, p.cursor_id)) AS "heldBack"`,
      [merchantId, limit],
    );
    return row;
  }

  /** Pending deliveries created before `before`, oldest first, keyset-paginated: those that may have lost their job. */
  async pendingPage(before: Date, after: { createdAt: Date; id: string } | null, limit: number): Promise<{ id: string; createdAt: Date }[]> {
    const params: unknown[] = [before, limit];
    const cursor = after ? `AND (created_at, id) > ($${params.push(after.createdAt)}, $${params.push(after.id)})` : '';
    return this.db.query(
      `SELECT id, created_at AS "createdAt" FROM webhook_deliveries
       WHERE status = 'pending' AND created_at < $1 ${cursor} ORDER BY created_at, id LIMIT $2`,
      params,
    );
  }

  async findToSend(deliveryId: string): Promise<DeliveryToSend | null> {
    const [row] = await this.db.query(
      `SELECT row_to_json(delivery) AS delivery, ${LOGGED_EVENT_JSON} AS event,
              CASE WHEN w.merchant_id IS NULL THEN NULL ELSE json_build_object('url', w.url, 'secret', encode(w.secret, 'base64')) END AS endpoint,
              m.name AS "merchantName", o.reference AS "orderReference"
       FROM (SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.id = $1) delivery
       JOIN notification_events e ON e.id = delivery."eventId"::bigint
       JOIN notifications n ON n.id = e.notification_id
       JOIN merchants m ON m.id = delivery."merchantId"
       LEFT JOIN orders o ON o.id = n.order_id
       LEFT JOIN webhook_endpoints w ON w.merchant_id = delivery."merchantId"`,
      [deliveryId],
    );
    if (!row) return null;
    return {
      delivery: reviveDelivery(row.delivery),
      event: reviveLoggedEvent(row.event),
      endpoint: row.endpoint && { url: row.endpoint.url, secret: Buffer.from(row.endpoint.secret, 'base64') },
      merchantName: row.merchantName,
      orderReference: row.orderReference,
    };
  }

  /** Appends an attempt to a pending delivery and, if given, moves it to `status`. False if it was no longer pending. */
  async recordAttempt(deliveryId: string, attempt: WebhookAttempt, status?: WebhookDeliveryStatus): Promise<boolean> {
    const [, count] = await this.db.query(
      `UPDATE webhook_deliveries SET attempts = attempts || $2::jsonb, status = coalesce($3, status), updated_at = now()
       WHERE id = $1 AND status = 'pending'`,
      [deliveryId, JSON.stringify([attempt]), status ?? null],
    );
    return count > 0;
  }

  /** Moves a delivery from one of `from` to `to`; false if it was in none of them. */
  async changeStatus(deliveryId: string, from: WebhookDeliveryStatus[], to: WebhookDeliveryStatus): Promise<boolean> {
    const [, count] = await this.db.query(
      `UPDATE webhook_deliveries SET status = $3, updated_at = now() WHERE id = $1 AND status = ANY($2::text[])`,
      [deliveryId, from, to],
    );
    return count > 0;
  }

  /** Newest first; the cursor is the last row of the previous page. */
  async page(merchantId: string, limit: number, after?: { createdAt: Date; id: string }): Promise<DeliveryRecord[]> {
    const params: unknown[] = [merchantId, limit];
    const cursor = after ? `AND (d.created_at, d.id) < ($${params.push(after.createdAt)}, $${params.push(after.id)})` : '';
    const rows: DeliveryRecord[] = await this.db.query(
      `SELECT ${DELIVERY_COLUMNS}, e.status AS "eventStatus", e.notification_id AS "notificationId", e.order_xid::text AS "eventXid", e.test
       FROM webhook_deliveries d JOIN notification_events e ON e.id = d.event_id
       WHERE d.merchant_id = $1 ${cursor}
       ORDER BY d.created_at DESC, d.id DESC LIMIT $2`,
      params,
    );
    return rows;
  }
}

function reviveDelivery(row: Record<string, unknown>): WebhookDeliveryEntity {
  return { ...row, createdAt: new Date(row.createdAt as string), updatedAt: new Date(row.updatedAt as string) } as unknown as WebhookDeliveryEntity;
}
