/** Runs one statement; a pg Client's `query` or a TestEnvironment's. */
type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

export interface ListSeed {
  /** The merchant that lists: 90 % of the rows. */
  merchantId: string;
  /** Its neighbour: the other 10 %. */
  otherMerchantId: string;
  orders: number;
  customers: number;
}

/**
 * Orders, their customers and one delivered notification each, written by generate_series for the list plans and the
 * list benchmark. Customer i: phone `+3361` and i on 7 digits, email `Customer<i>@Example.com`, created i minutes ago,
 * the neighbour's when i is a multiple of 10. Order i: reference `R-` and i on 7 digits, customer (i mod customers) + 1,
 * pickup (i mod 2000) hours ahead, every 50th cancelled, created 10·i seconds ago. Ids are
 * version-4 shaped md5s of `c<i>` / `o<i>`.
 */
/** A uuid the API accepts (version 4, RFC variant) made from the md5 of `text`. */
const idOf = (text: string) => `overlay(overlay(md5(${text}) placing '4' from 13) placing '8' from 17)::uuid`;

export async function seedOrderLists(query: Query, seed: ListSeed): Promise<void> {
  const { merchantId, otherMerchantId, orders, customers } = seed;
  await query(
    `INSERT INTO customers (id, merchant_id, name, phone, email, locale, created_at)
     SELECT ${idOf("'c' || i")}, CASE WHEN i % 10 = 0 THEN $2::uuid ELSE $1::uuid END, 'Customer ' || i,
            '+3361' || lpad(i::text, 7, '0'), 'Customer' || i || '@Example.com', 'en', now() - i * interval '1 minute'
     FROM generate_series(1, $3::int) i`,
    [merchantId, otherMerchantId, customers],
  );
  await query(
    `INSERT INTO orders (id, merchant_id, customer_id, reference, pickup_at, reminder_before, channels, status, created_at, updated_at)
     SELECT ${idOf("'o' || i")}, CASE WHEN (i % $3::int + 1) % 10 = 0 THEN $2::uuid ELSE $1::uuid END, ${idOf("'c' || (i % $3::int + 1)")},
            'R-' || lpad(i::text, 7, '0'), now() + (i % 2000) * interval '1 hour', 'PT2H', '{sms}',
            CASE WHEN i % 50 = 0 THEN 'cancelled' ELSE 'active' END, now() - i * interval '10 seconds', now()
     FROM generate_series(1, $4::int) i`,
    [merchantId, otherMerchantId, customers, orders],
  );
  await query(
    `INSERT INTO notifications (id, merchant_id, order_id, kind, channel, priority, recipient, locale, status, scheduled_for)
     SELECT ${idOf("'n' || o.id")}, o.merchant_id, o.id, 'confirmation', 'sms', 'critical', '+33600000000', 'en', 'delivered', o.created_at
     FROM orders o`,
  );
  await query('ANALYZE customers, orders, notifications');
}
