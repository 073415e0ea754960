import { MigrationInterface, QueryRunner } from 'typeorm';

/** An order's notifications name the order's customer, as the API documents (they were written with none). */
export class OrderNotificationCustomers1765100000000 implements MigrationInterface {
  name = 'OrderNotificationCustomers1765100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      UPDATE notifications n SET customer_id = o.customer_id
      FROM orders o WHERE o.id = n.order_id AND n.customer_id IS NULL AND o.customer_id IS NOT NULL`);
  }

  async down(): Promise<void> {
    // Nothing to undo: the column existed before, and naming the customer is correct either way.
  }
}
