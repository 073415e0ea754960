import type { TestEnvironment } from './test-environment';

export interface SeededCustomer {
  id: string;
  phone: string;
}

/**
 * `count` customers of the merchant with a phone each (`+336<prefix><nnnnnn>`, for the SMS audiences of campaigns),
 * written straight to the database.
 */
export async function seedSmsCustomers(environment: Pick<TestEnvironment, 'query'>, merchantId: string, prefix: string, count: number): Promise<SeededCustomer[]> {
  return environment.query<SeededCustomer>(
    `INSERT INTO customers (id, merchant_id, name, phone, locale)
     SELECT gen_random_uuid(), $1, 'Customer ' || i, '+336' || $2 || lpad(i::text, 6, '0'), 'en' FROM generate_series(1, $3) AS i
     RETURNING id, phone`,
    [merchantId, prefix, count],
  );
}
