import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Erasures meet test keys. A customer's contacts are unique within its world among the customers not erased: the
 * CustomerErasure migration made the index partial (`WHERE erased_at IS NULL`), the TestKeys one added `test` to it,
 * and whichever of the two a database ran last left the other's half out; this index has both. An erasure belongs to
 * its customer's world (`test`): a test key erases, and sees the erasures of, test customers only.
 */
export class ErasureInTestWorld1766100000000 implements MigrationInterface {
  name = 'ErasureInTestWorld1766100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX customers_identity`);
    await db.query(
      `CREATE UNIQUE INDEX customers_identity ON customers (merchant_id, test, coalesce(phone, ''), coalesce(email, '')) WHERE erased_at IS NULL`,
    );
    await db.query(`ALTER TABLE erasures ADD COLUMN test boolean NOT NULL DEFAULT false`);
    await db.query(`UPDATE erasures e SET test = true FROM customers c WHERE c.id = e.customer_id AND c.test`);
  }

  /** The erasures of test customers go, as what test keys made goes with the TestKeys migration undone. */
  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM erasures WHERE test`);
    await db.query(`ALTER TABLE erasures DROP COLUMN test`);
    await db.query(`DROP INDEX customers_identity`);
    // As the CustomerErasure migration undone does: erased customers have no contacts left, and the index without
    // `erased_at` cannot tell two of them apart, so they take placeholders.
    await db.query(`UPDATE customers SET email = 'erased-' || id || '@invalid' WHERE erased_at IS NOT NULL AND phone IS NULL AND email IS NULL`);
    await db.query(`CREATE UNIQUE INDEX customers_identity ON customers (merchant_id, test, coalesce(phone, ''), coalesce(email, ''))`);
  }
}
