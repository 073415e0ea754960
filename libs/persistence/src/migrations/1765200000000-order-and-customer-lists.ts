import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes behind GET /v1/orders and GET /v1/customers: each filter's first page, newest first, is an index range of
 * the merchant's rows (see test/e2e/list-plans.e2e-spec.ts). Existing ones serve too: `orders_merchant_created`
 * (paging, createdFrom/To), the `(merchant_id, reference)` unique constraint (exact reference, as the prefix index can).
 */
export class OrderAndCustomerLists1765200000000 implements MigrationInterface {
  name = 'OrderAndCustomerLists1765200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX orders_merchant_status_created ON orders (merchant_id, status, created_at, id)`);
    await db.query(`CREATE INDEX orders_merchant_pickup ON orders (merchant_id, pickup_at)`);
    // LIKE 'prefix%' whatever the database's collation.
    await db.query(`CREATE INDEX orders_merchant_reference_prefix ON orders (merchant_id, reference text_pattern_ops)`);
    await db.query(`CREATE INDEX orders_customer_created ON orders (customer_id, created_at, id)`);
    await db.query(`CREATE INDEX customers_merchant_created ON customers (merchant_id, created_at, id)`);
    await db.query(`CREATE INDEX customers_merchant_phone ON customers (merchant_id, phone) WHERE phone IS NOT NULL`);
    await db.query(`CREATE INDEX customers_merchant_email ON customers (merchant_id, lower(email)) WHERE email IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const index of [
      'customers_merchant_email',
      'customers_merchant_phone',
      'customers_merchant_created',
      'orders_customer_created',
      'orders_merchant_reference_prefix',
      'orders_merchant_pickup',
      'orders_merchant_status_created',
    ]) {
      await db.query(`DROP INDEX ${index}`);
    }
  }
}
