import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CustomerEntity, NotificationEntity, OrderEntity } from '../entities';
import { NewNotification, NotificationRepository } from './notification.repository';

export type NewCustomer = Pick<CustomerEntity, 'id' | 'merchantId' | 'name' | 'phone' | 'email' | 'locale'>;
export type NewOrder = Pick<OrderEntity, 'id' | 'merchantId' | 'reference' | 'pickupAt' | 'reminderBefore' | 'channels'>;

export interface OrderRecord {
  order: OrderEntity;
  customer: CustomerEntity;
}

const orderColumns = (table = 'orders') =>
  `${table}.id, ${table}.merchant_id AS "merchantId", ${table}.customer_id AS "customerId", ${table}.reference,
   ${table}.pickup_at AS "pickupAt", ${table}.reminder_before AS "reminderBefore", ${table}.channels, ${table}.status,
   ${table}.created_at AS "createdAt", ${table}.updated_at AS "updatedAt"`;
const CUSTOMER_COLUMNS = `id, merchant_id AS "merchantId", name, phone, email, locale, created_at AS "createdAt"`;

@Injectable()
export class OrderRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly notifications: NotificationRepository,
  ) {}

  /** Writes the customer, the order and its notifications in one transaction. */
  async create(
    customer: NewCustomer,
    order: NewOrder,
    buildNotifications: (saved: OrderRecord) => NewNotification[],
  ): Promise<OrderRecord & { notifications: NotificationEntity[] }> {
    return this.db.transaction(async (manager) => {
      const [savedCustomer]: CustomerEntity[] = await manager.query(
        `INSERT INTO customers (id, merchant_id, name, phone, email, locale) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (merchant_id, coalesce(phone, ''), coalesce(email, ''))
         DO UPDATE SET name = coalesce(EXCLUDED.name, customers.name), locale = EXCLUDED.locale
         RETURNING ${CUSTOMER_COLUMNS}`,
        [customer.id, customer.merchantId, customer.name, customer.phone, customer.email, customer.locale],
      );
      const [savedOrder]: OrderEntity[] = await manager.query(
        `INSERT INTO orders (id, merchant_id, customer_id, reference, pickup_at, reminder_before, channels, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'active') RETURNING ${orderColumns()}`,
        [order.id, order.merchantId, savedCustomer.id, order.reference, order.pickupAt, order.reminderBefore, order.channels],
      );
      const record = { order: savedOrder, customer: savedCustomer };
      const notifications = await this.notifications.insert(buildNotifications(record), manager);
      return { ...record, notifications };
    });
  }

  async findForMerchant(merchantId: string, orderId: string, manager: EntityManager = this.db.manager): Promise<OrderRecord | null> {
    const rows: (OrderEntity & { customer: CustomerEntity })[] = await manager.query(
      `SELECT ${orderColumns('o')},
              (SELECT row_to_json(c) FROM (SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id = o.customer_id) c) AS customer
       FROM orders o WHERE o.id = $1 AND o.merchant_id = $2`,
      [orderId, merchantId],
    );
    if (!rows[0]) return null;
    const { customer, ...order } = rows[0];
    return { order, customer };
  }

  /** Runs `work` in a transaction holding the order's row lock, so concurrent changes to one order serialize. */
  async withLockedOrder<T>(merchantId: string, orderId: string, work: (record: OrderRecord | null, manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (manager) => {
      await manager.query('SELECT 1 FROM orders WHERE id = $1 AND merchant_id = $2 FOR UPDATE', [orderId, merchantId]);
      return work(await this.findForMerchant(merchantId, orderId, manager), manager);
    });
  }

  async update(orderId: string, changes: Partial<Pick<OrderEntity, 'pickupAt' | 'reminderBefore' | 'status'>>, manager: EntityManager): Promise<void> {
    await manager.getRepository(OrderEntity).update({ id: orderId }, { ...changes, updatedAt: new Date() });
  }
}
