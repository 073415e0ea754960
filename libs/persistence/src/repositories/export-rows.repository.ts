import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { finished, Readable } from 'node:stream';
import type { Pool } from 'pg';
import QueryStream from 'pg-query-stream';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * A notification slot of an order's row: its latest notification of this kind on this channel. WhatsApp's come last, so
 * the columns a spreadsheet already reads keep their place.
 */
const NOTIFICATION_SLOTS = [
  ['confirmation', 'sms'],
  ['confirmation', 'email'],
  ['reminder', 'sms'],
  ['reminder', 'email'],
  ['confirmation', 'whatsapp'],
  ['reminder', 'whatsapp'],
] as const;

/** What each slot says about its notification. */
const SLOT_FIELDS = ['status', 'sent_at', 'delivered_at', 'error_code'] as const;

/** The columns of a day's order rows, in order; every value is text or null. */
export const ORDER_ROW_COLUMNS = [
  'order_reference',
  'order_created_at',
  'order_status',
  'customer_name',
  'customer_phone',
  'customer_email',
  'pickup_at',
  ...NOTIFICATION_SLOTS.flatMap(([kind, channel]) => SLOT_FIELDS.map((field) => `${kind}_${channel}_${field}`)),
];

export type OrderRow = (string | null)[];

/** ISO 8601 with the offset the instant had in the session's time zone, e.g. 2026-03-29T03:30:00+02:00. */
const LOCAL_TIME = `'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'`;

/**
 * A day's live orders: what test keys made is never exported. The order's notifications are read once (one index scan per order), keeping the latest of each kind and channel,
 * then spread over the slot columns.
 */
const DAY_ORDERS_SQL = `
  SELECT o.reference, to_char(o.created_at, ${LOCAL_TIME}), o.status, c.name, c.phone, c.email, to_char(o.pickup_at, ${LOCAL_TIME}),
         ${NOTIFICATION_SLOTS.flatMap(([kind, channel]) => SLOT_FIELDS.map((field) => `latest.${kind}_${channel}_${field}`)).join(', ')}
  FROM orders o
  JOIN customers c ON c.id = o.customer_id
  LEFT JOIN LATERAL (
    SELECT ${NOTIFICATION_SLOTS.flatMap(([kind, channel]) =>
      SLOT_FIELDS.map((field) => `min(n.${field}) FILTER (WHERE n.kind = '${kind}' AND n.channel = '${channel}') AS ${kind}_${channel}_${field}`),
    ).join(',\n           ')}
    FROM (
      SELECT DISTINCT ON (n.kind, n.channel) n.kind, n.channel, n.status, to_char(n.sent_at, ${LOCAL_TIME}) AS sent_at,
             CASE WHEN n.status = 'delivered' THEN (
               SELECT to_char(min(e.at), ${LOCAL_TIME}) FROM notification_events e WHERE e.notification_id = n.id AND e.status = 'delivered'
             ) END AS delivered_at,
             CASE WHEN n.status IN ('dead', 'undelivered') THEN coalesce(n.last_error_code, n.status_reason)
                  WHEN n.status IN ('skipped', 'cancelled') THEN n.status_reason END AS error_code
      FROM notifications n
      WHERE n.order_id = o.id
      ORDER BY n.kind, n.channel, n.created_at DESC, n.id DESC
    ) n
  ) latest ON true
  WHERE o.merchant_id = $1 AND o.created_at >= $2 AND o.created_at < $3 AND NOT o.test
  ORDER BY o.created_at, o.id`;

/** Rows fetched from the cursor at a time: enough to keep Postgres busy, small enough to stay in bounded memory. */
const BATCH_SIZE = 200;

export interface DayOrdersQuery {
  merchantId: string;
  /** The day's first instant and the next day's first instant, in the merchant's time zone. */
  from: Date;
  to: Date;
  /** IANA zone the times are written in. */
  zone: string;
}

@Injectable()
export class ExportRowsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The orders created in [from, to), oldest first, one row each (ORDER_ROW_COLUMNS), streamed from a server-side
   * cursor: memory stays bounded whatever the day's size. The connection is held by a read-only transaction until the
   * stream ends or is destroyed (a client that hangs up), then handed back. Resolves once the transaction is open, so
   * an unreachable Postgres fails here rather than halfway through a file.
   */
  async streamDayOrders(query: DayOrdersQuery): Promise<Readable> {
    // The pool TypeORM opened: the cursor needs a connection of its own for as long as the stream lasts.
    const client = await ((this.db.driver as PostgresDriver).master as Pool).connect();
    const release = async (error: unknown) => {
      // The time zone was set for this transaction only: ending it leaves the pooled connection as it was. A
      // connection that cannot even end its transaction is closed rather than handed back.
      const ended = await client.query(error ? 'ROLLBACK' : 'COMMIT').then(
        () => true,
        () => false,
      );
      client.release(!ended);
    };
    try {
      await client.query('BEGIN READ ONLY');
      // Times are written in the merchant's zone; JIT compiling would cost seconds before a streamed query's first row.
      await client.query(`SELECT set_config('TimeZone', $1, true), set_config('jit', 'off', true)`, [query.zone]);
    } catch (error) {
      await release(error);
      throw error;
    }
    const rows = client.query(
      new QueryStream(DAY_ORDERS_SQL, [query.merchantId, query.from, query.to], { rowMode: 'array', batchSize: BATCH_SIZE, highWaterMark: BATCH_SIZE }),
    );
    // Ended, failed or destroyed early (finished() reports the last as an error): the transaction ends either way.
    finished(rows, (error) => void release(error));
    return rows;
  }
}
