import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Channel, CustomerEntity, NotificationKind, NotificationStatus, OrderEntity, OrderStatus } from '../entities';
import { EventLogCommits } from '../event-log-commits';
import { InsertedNotifications, NewNotification } from './notification.repository';
import { pageAfterSql } from './keyset-page';
import { runPrepared } from './prepared-statement';
import { insertNotificationsSql, NOTIFICATIONS_AND_EVENTS_JSON, reviveEvent, reviveNotification } from './notification.rows';
import { inWorld, Tenant } from './test-world';

export type NewCustomer = Pick<CustomerEntity, 'id' | 'merchantId' | 'name' | 'phone' | 'email' | 'locale' | 'test'>;
/** A customer the merchant already has, named by id (checked to be the merchant's by the caller). */
export type ExistingCustomer = Pick<CustomerEntity, 'id' | 'merchantId'> & { existing: true };
export type NewOrder = Pick<OrderEntity, 'id' | 'merchantId' | 'reference' | 'pickupAt' | 'reminderBefore' | 'reminderDaysBefore' | 'reminderAt' | 'channels' | 'test'>;
export type OrderChangeSet = Partial<Pick<OrderEntity, 'pickupAt' | 'reminderBefore' | 'reminderDaysBefore' | 'reminderAt' | 'status'>>;

export interface OrderRecord {
  order: OrderEntity;
  customer: CustomerEntity;
}

const orderColumns = (table = 'orders') =>
  `${table}.id, ${table}.merchant_id AS "merchantId", ${table}.customer_id AS "customerId", ${table}.reference,
   ${table}.pickup_at AS "pickupAt", ${table}.reminder_before AS "reminderBefore",
   ${table}.reminder_days_before AS "reminderDaysBefore", ${table}.reminder_at AS "reminderAt", ${table}.channels, ${table}.status,
   ${table}.test, ${table}.created_at AS "createdAt", ${table}.updated_at AS "updatedAt"`;
const CUSTOMER_COLUMNS = `id, merchant_id AS "merchantId", name, phone, email, locale, preferred_channel AS "preferredChannel", test, created_at AS "createdAt",
  erased_at AS "erasedAt"`;

/** One page of a merchant's orders, newest first; the cursor is the last row of the previous page. */
export interface OrderPageQuery {
  merchantId: string;
  /** The test world (what test keys made), or the live one. */
  test: boolean;
  status?: OrderStatus;
  pickupFrom?: Date;
  pickupTo?: Date;
  reference?: string;
  referencePrefix?: string;
  customerId?: string;
  createdFrom?: Date;
  createdTo?: Date;
  limit: number;
  after?: { createdAt: Date; id: string };
}

/** Where a notification of a listed order stands now (its history is on GET /v1/orders/{id}). */
export interface OrderNotificationStatus {
  orderId: string;
  id: string;
  kind: NotificationKind;
  channel: Channel;
  status: NotificationStatus;
  statusReason: string | null;
  scheduledFor: Date;
  sentAt: Date | null;
  updatedAt: Date;
}

/** `%`, `_` and the escape character itself match literally. */
export const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, '\\$&')}%`;

/** The statement of one page of orders with their customers (exported: the plans test explains exactly this). */
export function orderPageSql(query: OrderPageQuery): { sql: string; params: unknown[] } {
  const params: unknown[] = [query.merchantId];
  const where = ['o.merchant_id = $1', inWorld('o', query.test)];
  if (query.status) where.push(`o.status = $${params.push(query.status)}`);
  if (query.pickupFrom) where.push(`o.pickup_at >= $${params.push(query.pickupFrom)}`);
  if (query.pickupTo) where.push(`o.pickup_at < $${params.push(query.pickupTo)}`);
  if (query.reference) where.push(`o.reference = $${params.push(query.reference)}`);
  if (query.referencePrefix) where.push(`o.reference LIKE $${params.push(likePrefix(query.referencePrefix))}`);
  if (query.customerId) where.push(`o.customer_id = $${params.push(query.customerId)}`);
  if (query.createdFrom) where.push(`o.created_at >= $${params.push(query.createdFrom)}`);
  if (query.createdTo) where.push(`o.created_at < $${params.push(query.createdTo)}`);
  if (query.after) where.push(pageAfterSql('orders', 'o', query.after, params));
  return {
    sql: `SELECT ${orderColumns('o')},
            json_build_object('id', c.id, 'merchantId', c.merchant_id, 'name', c.name, 'phone', c.phone, 'email', c.email,
                              'locale', c.locale, 'preferredChannel', c.preferred_channel, 'test', c.test, 'createdAt', c.created_at,
                              'erasedAt', c.erased_at) AS customer
          FROM orders o JOIN customers c ON c.id = o.customer_id
          WHERE ${where.join(' AND ')}
          ORDER BY o.created_at DESC, o.id DESC LIMIT $${params.push(query.limit)}`,
    params,
  };
}

interface CreatedOrderRow {
  /** Timestamps come back as JSON text. */
  customer: Omit<CustomerEntity, 'createdAt'> & { createdAt: string };
  order: Omit<OrderEntity, 'pickupAt' | 'createdAt' | 'updatedAt'> & { pickupAt: string; createdAt: string; updatedAt: string };
  notifications: Record<string, unknown>[];
  events: Record<string, unknown>[];
}

@Injectable()
export class OrderRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly commits: EventLogCommits,
  ) {}

  /**
   * Writes the customer (matched by phone and email; or takes the existing one named), the order, its notifications and their first events in one
   * statement: one round trip, all or nothing.
   */
  async create(customer: NewCustomer | ExistingCustomer, order: NewOrder, notifications: NewNotification[]): Promise<OrderRecord & InsertedNotifications> {
    const existing = 'existing' in customer;
    const customerParams = existing
      ? [customer.id, customer.merchantId]
      : [customer.id, customer.merchantId, customer.name, customer.phone, customer.email, customer.locale, customer.test];
    const orderParams = [
      order.id,
      order.merchantId,
      order.reference,
      order.pickupAt,
      order.reminderBefore,
      order.reminderDaysBefore,
      order.reminderAt,
      order.channels,
      order.test,
    ];
    const o = customerParams.length;
    const inserts = insertNotificationsSql(notifications, customerParams.length + orderParams.length + 1, { customerIdSql: 'SELECT id FROM customer' });
    // A customer named by id is share-locked until the order commits, so an erasure requested meanwhile waits for the
    // order (and then erases it too), or comes first and the customer is no longer found: no order is left unerased.
    const customerSql = existing
      ? `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id = $1 AND merchant_id = $2 AND erased_at IS NULL FOR SHARE`
      : `INSERT INTO customers (id, merchant_id, name, phone, email, locale, test) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (merchant_id, test, coalesce(phone, ''), coalesce(email, '')) WHERE erased_at IS NULL
         DO UPDATE SET name = coalesce(EXCLUDED.name, customers.name), locale = EXCLUDED.locale
         RETURNING ${CUSTOMER_COLUMNS}`;
    // Prepared (see runPrepared): the text varies only with `existing`, and Postgres took about as long to plan it as to run it.
    const [row] = await runPrepared<CreatedOrderRow>(
      this.db,
      existing ? 'order-create-for-customer' : 'order-create-with-customer',
      `WITH customer AS (
         ${customerSql}
       ), placed AS (
         INSERT INTO orders (id, merchant_id, customer_id, reference, pickup_at, reminder_before, reminder_days_before, reminder_at, channels, test, status)
         SELECT $${o + 1}, $${o + 2}, customer.id, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6}, $${o + 7}, $${o + 8}, $${o + 9}, 'active' FROM customer
         RETURNING ${orderColumns()}
       ), ${inserts.sql}
       SELECT (SELECT row_to_json(c) FROM customer c) AS customer, (SELECT row_to_json(p) FROM placed p) AS "order",
              ${NOTIFICATIONS_AND_EVENTS_JSON}`,
      [...customerParams, ...orderParams, ...inserts.params],
    );
    this.commits.committed([order.merchantId]);
    return {
      customer: { ...row.customer, createdAt: new Date(row.customer.createdAt) },
      order: { ...row.order, pickupAt: new Date(row.order.pickupAt), createdAt: new Date(row.order.createdAt), updatedAt: new Date(row.order.updatedAt) },
      notifications: row.notifications.map(reviveNotification),
      events: row.events.map(reviveEvent),
    };
  }

  /** The merchant's order in the world asked for; null in the other. `lock`: hold its row lock until the surrounding transaction ends. */
  async findForMerchant({ merchantId, test }: Tenant, orderId: string, manager: EntityManager = this.db.manager, lock = false): Promise<OrderRecord | null> {
    const rows: (OrderEntity & { customer: CustomerEntity })[] = await manager.query(
      `SELECT ${orderColumns('o')},
              (SELECT row_to_json(c) FROM (SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id = o.customer_id) c) AS customer
       FROM orders o WHERE o.id = $1 AND o.merchant_id = $2 AND ${inWorld('o', test)} ${lock ? 'FOR UPDATE OF o' : ''}`,
      [orderId, merchantId],
    );
    if (!rows[0]) return null;
    const { customer, ...order } = rows[0];
    return { order, customer };
  }

  /**
   * Runs `work` in a transaction holding the order's row lock, so concurrent changes to one order serialize. The
   * history events it wrote are announced once it has committed.
   */
  async withLockedOrder<T>(tenant: Tenant, orderId: string, work: (record: OrderRecord | null, manager: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.db.transaction(async (manager) => {
      return work(await this.findForMerchant(tenant, orderId, manager, true), manager);
    });
    this.commits.committed([tenant.merchantId]);
    return result;
  }

  async page(query: OrderPageQuery): Promise<OrderRecord[]> {
    const { sql, params } = orderPageSql(query);
    const rows: (OrderEntity & { customer: CustomerEntity & { createdAt: string } })[] = await this.db.query(sql, params);
    return rows.map(({ customer, ...order }) => ({ order, customer: { ...customer, createdAt: new Date(customer.createdAt) } }));
  }

  /** The notifications of these orders of the merchant, as they stand: one statement for a whole page. */
  async notificationStatuses(merchantId: string, orderIds: string[]): Promise<OrderNotificationStatus[]> {
    if (!orderIds.length) return [];
    return this.db.query(
      `SELECT order_id AS "orderId", id, kind, channel, status, status_reason AS "statusReason", scheduled_for AS "scheduledFor",
              sent_at AS "sentAt", updated_at AS "updatedAt"
       FROM notifications WHERE order_id = ANY($2::uuid[]) AND merchant_id = $1
       ORDER BY created_at, kind, id`,
      [merchantId, orderIds],
    );
  }

  async update(orderId: string, changes: OrderChangeSet, manager: EntityManager): Promise<void> {
    await manager.getRepository(OrderEntity).update({ id: orderId }, { ...changes, updatedAt: new Date() });
  }
}
