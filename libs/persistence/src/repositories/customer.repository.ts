import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ContactHashing, hasContactRow } from '../contact-hash';
import { CustomerEntity } from '../entities';
import { contactFieldOf } from '../entities';
import type { Channel } from '../entities';
import { pageAfterSql } from './keyset-page';
import { WHATSAPP_OPT_OUT_SENDER } from './opt-out.repository';
import { runPrepared } from './prepared-statement';
import { inWorld, Tenant } from './test-world';

/**
 * A customer with whether each of its channels may be used: not if the customer opted out (SMS: of the merchant's
 * sender; email: of the merchant's mail; WhatsApp: of Herald's WhatsApp sender), nor if the merchant withdrew it.
 */
export interface CustomerRecord extends CustomerEntity {
  smsOptedOut: boolean;
  emailOptedOut: boolean;
  whatsappOptedOut: boolean;
  /** The customer's own opt-out (STOP, Twilio 21610; unsubscribe, spam report), which only the customer undoes. */
  smsOptedOutByCustomer: boolean;
  emailOptedOutByCustomer: boolean;
  whatsappOptedOutByCustomer: boolean;
}

export type CustomerChangeSet = Partial<Pick<CustomerEntity, 'name' | 'preferredChannel' | 'locale'>> & {
  /** A new phone number (E.164) or email address (lower case): contacts change, they are not removed. */
  phone?: string;
  email?: string;
};

/** One page of a merchant's customers, newest first; the cursor is the last row of the previous page. */
export interface CustomerPageQuery {
  merchantId: string;
  /** The test world (customers of test keys' orders), or the live one. */
  test: boolean;
  /** E.164. */
  phone?: string;
  /** Matched case-insensitively. */
  email?: string;
  createdFrom?: Date;
  createdTo?: Date;
  limit: number;
  after?: { createdAt: Date; id: string };
}

export type NewCustomerRow = Pick<CustomerEntity, 'id' | 'merchantId' | 'name' | 'phone' | 'email' | 'locale' | 'preferredChannel' | 'test'>;

/**
 * The statement of one page of customers with their consent; `$2` is the platform's SMS number, `$3` the pads of
 * ContactHashing. Erased customers are not listed.
 */
export function customerPageSql(query: CustomerPageQuery, platformSender: string, pads: Buffer): { sql: string; params: unknown[] } {
  const params: unknown[] = [query.merchantId, platformSender, pads];
  const where = ['c.merchant_id = $1', inWorld('c', query.test), 'c.erased_at IS NULL'];
  if (query.phone) where.push(`c.phone = $${params.push(query.phone)}`);
  if (query.email) where.push(`lower(c.email) = lower($${params.push(query.email)})`);
  if (query.createdFrom) where.push(`c.created_at >= $${params.push(query.createdFrom)}`);
  if (query.createdTo) where.push(`c.created_at < $${params.push(query.createdTo)}`);
  if (query.after) where.push(pageAfterSql('customers', 'c', query.after, params));
  return {
    sql: `SELECT ${CUSTOMER_COLUMNS('c')}, ${CONSENT_COLUMNS('c', 'm', '$2', '$3')}
          FROM customers c JOIN merchants m ON m.id = c.merchant_id
          WHERE ${where.join(' AND ')}
          ORDER BY c.created_at DESC, c.id DESC LIMIT $${params.push(query.limit)}`,
    params,
  };
}

const UNIQUE_VIOLATION = '23505';

export const CUSTOMER_COLUMNS = (c: string) =>
  `${c}.id, ${c}.merchant_id AS "merchantId", ${c}.name, ${c}.phone, ${c}.email, ${c}.locale,
   ${c}.preferred_channel AS "preferredChannel", ${c}.test, ${c}.created_at AS "createdAt", ${c}.erased_at AS "erasedAt"`;

/**
 * The consent columns of customer `c` of merchant `m`; `sender` is the placeholder of the platform's SMS number, `pads`
 * that of ContactHashing.pads (an erased customer's opt-outs, kept hashed, still hold for its contacts). The customer's
 * own opt-outs hold in both worlds (a test customer's phone is a real phone); the merchant's withdrawals, in their own.
 */
export const CONSENT_COLUMNS = (c: string, m: string, sender: string, pads: string) =>
  `${hasContactRow('opt_outs', 'phone', `sender = coalesce(${m}.sms_from, ${sender})`, `${c}.phone`, pads)} AS "smsOptedOutByCustomer",
   ${hasContactRow('email_opt_outs', 'email', `merchant_id = ${c}.merchant_id`, `lower(${c}.email)`, pads)} AS "emailOptedOutByCustomer",
   ${hasContactRow('consent_withdrawals', 'contact', `merchant_id = ${c}.merchant_id AND test = ${c}.test AND channel = 'sms'`, `${c}.phone`, pads)} AS "smsWithdrawn",
   ${hasContactRow('consent_withdrawals', 'contact', `merchant_id = ${c}.merchant_id AND test = ${c}.test AND channel = 'email'`, `lower(${c}.email)`, pads)} AS "emailWithdrawn",
   ${hasContactRow('opt_outs', 'phone', `sender = '${WHATSAPP_OPT_OUT_SENDER}'`, `${c}.phone`, pads)} AS "whatsappOptedOutByCustomer",
   ${hasContactRow('consent_withdrawals', 'contact', `merchant_id = ${c}.merchant_id AND test = ${c}.test AND channel = 'whatsapp'`, `${c}.phone`, pads)} AS "whatsappWithdrawn"`;

export function reviveCustomer(row: Record<string, unknown>): CustomerRecord {
  const { smsWithdrawn, emailWithdrawn, whatsappWithdrawn, ...record } = row as unknown as CustomerRecord & {
    smsWithdrawn: boolean;
    emailWithdrawn: boolean;
    whatsappWithdrawn: boolean;
  };
  return {
    ...record,
    smsOptedOut: record.smsOptedOutByCustomer || smsWithdrawn,
    emailOptedOut: record.emailOptedOutByCustomer || emailWithdrawn,
    whatsappOptedOut: record.whatsappOptedOutByCustomer || whatsappWithdrawn,
  };
}

@Injectable()
export class CustomerRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hashing: ContactHashing,
  ) {}

  /**
   * The merchant's customer in the world asked for (`test`: the test world); null in the other, and when erased.
   * `platformSender`: the SMS number used when the merchant has none of its own; its opt-out list applies.
   */
  async findForMerchant(
    { merchantId, test }: Tenant,
    id: string,
    platformSender: string,
    manager: EntityManager = this.db.manager,
    lock = false,
  ): Promise<CustomerRecord | null> {
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT ${CUSTOMER_COLUMNS('c')}, ${CONSENT_COLUMNS('c', 'm', '$3', '$4')}
       FROM customers c JOIN merchants m ON m.id = c.merchant_id
       WHERE c.id = $1 AND c.merchant_id = $2 AND ${inWorld('c', test)} AND c.erased_at IS NULL ${lock ? 'FOR UPDATE OF c' : ''}`,
      [id, merchantId, platformSender, this.hashing.pads],
    );
    return rows[0] ? reviveCustomer(rows[0]) : null;
  }

  async page(query: CustomerPageQuery, platformSender: string): Promise<CustomerRecord[]> {
    const { sql, params } = customerPageSql(query, platformSender, this.hashing.pads);
    const rows: Record<string, unknown>[] = await this.db.query(sql, params);
    return rows.map(reviveCustomer);
  }

  /**
   * Writes the customer unless another of the merchant's customers has its phone or email: then nothing is written and
   * the contact taken is returned. Holds the merchant's contact lock, as contact changes do (`withLockedCustomer`).
   */
  async createUnlessContactTaken(customer: NewCustomerRow): Promise<{ taken: 'phone' | 'email' | null }> {
    try {
      return await this.db.transaction(async (manager) => {
        await this.lockContactsOf(manager, customer.merchantId);
        const tenant = { merchantId: customer.merchantId, test: customer.test };
        if (customer.phone && (await this.contactTaken(manager, tenant, customer.id, { phone: customer.phone }))) return { taken: 'phone' };
        if (customer.email && (await this.contactTaken(manager, tenant, customer.id, { email: customer.email.toLowerCase() }))) return { taken: 'email' };
        await manager.query(
          `INSERT INTO customers (id, merchant_id, name, phone, email, locale, preferred_channel, test) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [customer.id, customer.merchantId, customer.name, customer.phone, customer.email, customer.locale, customer.preferredChannel, customer.test],
        );
        return { taken: null };
      });
    } catch (error) {
      // An order wrote a customer with exactly these contacts meanwhile.
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) return { taken: customer.phone ? 'phone' : 'email' };
      throw error;
    }
  }

  /** The preferences of the customer an order names by its contacts (the identity orders match customers on), if known. */
  async findByContacts(
    tenant: Tenant,
    phone: string | null,
    email: string | null,
  ): Promise<Pick<CustomerEntity, 'preferredChannel' | 'locale'> | null> {
    // Asked before every order: prepared (see runPrepared).
    const rows = await runPrepared<Pick<CustomerEntity, 'preferredChannel' | 'locale'>>(
      this.db,
      'customer-by-contacts',
      `SELECT preferred_channel AS "preferredChannel", locale FROM customers
       WHERE merchant_id = $1 AND test = $4 AND coalesce(phone, '') = coalesce($2, '') AND coalesce(email, '') = coalesce($3, '') AND erased_at IS NULL`,
      [tenant.merchantId, phone, email, tenant.test],
    );
    return rows[0] ?? null;
  }

  /** Which of these ids are not customers of the merchant in this world (another merchant's, or world's, and erased ones, count as unknown). */
  async unknownIds(tenant: Tenant, ids: string[]): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM unnest($2::uuid[]) AS given(id)
       WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = given.id AND c.merchant_id = $1 AND ${inWorld('c', tenant.test)} AND c.erased_at IS NULL)`,
      [tenant.merchantId, ids],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Runs `work` in a transaction holding the customer's row lock (and, with `lockContacts`, the merchant's contact
   * lock: contact changes of one merchant's customers serialize, so two customers cannot take one contact at once).
   */
  async withLockedCustomer<T>(
    tenant: Tenant,
    id: string,
    options: { platformSender: string; lockContacts: boolean },
    work: (customer: CustomerRecord | null, manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction(async (manager) => {
      if (options.lockContacts) await this.lockContactsOf(manager, tenant.merchantId);
      return work(await this.findForMerchant(tenant, id, options.platformSender, manager, true), manager);
    });
  }

  /**
   * The merchant's contact lock, held to the end of the transaction: every creation or change of a customer's contacts
   * takes it, so two of the merchant's customers never get one phone or email at once.
   */
  private async lockContactsOf(manager: EntityManager, merchantId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('herald:customer-contacts:' || $1, 0))`, [merchantId]);
  }

  /** Whether another of the merchant's customers (not erased), in the same world, has this phone number or (lower-case) email address. */
  async contactTaken(
    manager: EntityManager,
    tenant: Tenant,
    id: string,
    contact: { phone: string } | { email: string },
  ): Promise<boolean> {
    const [column, value] = 'phone' in contact ? ['c.phone', contact.phone] : ['lower(c.email)', contact.email];
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM customers c WHERE c.merchant_id = $1 AND ${inWorld('c', tenant.test)} AND c.id <> $2 AND ${column} = $3 AND c.erased_at IS NULL LIMIT 1`,
      [tenant.merchantId, id, value],
    );
    return rows.length > 0;
  }

  async update(manager: EntityManager, merchantId: string, id: string, changes: CustomerChangeSet): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [id, merchantId];
    for (const [column, value] of [
      ['name', changes.name],
      ['phone', changes.phone],
      ['email', changes.email],
      ['preferred_channel', changes.preferredChannel],
      ['locale', changes.locale],
    ] as const) {
      if (value !== undefined) sets.push(`${column} = $${params.push(value)}`);
    }
    if (!sets.length) return;
    await manager.query(`UPDATE customers SET ${sets.join(', ')} WHERE id = $1 AND merchant_id = $2`, params);
  }

  /**
   * After the customer's contact on `channel` changed from `from` to `to`: the merchant's own withdrawal follows the
   * customer (the old contact keeps it too while another of the merchant's customers has it), and so do the customer's
   * messages on that channel not yet sent. The customer's own opt-outs (STOP, unsubscribe) belong to the contact: they stay.
   */
  async contactMoved(
    manager: EntityManager,
    tenant: Tenant,
    id: string,
    channel: Channel,
    from: string | null,
    to: string,
  ): Promise<void> {
    const { merchantId, test } = tenant;
    if (from !== null) {
      await manager.query(
        `INSERT INTO consent_withdrawals (merchant_id, test, channel, contact, withdrawn_at)
         SELECT merchant_id, test, channel, $4, withdrawn_at FROM consent_withdrawals WHERE merchant_id = $1 AND test = $5 AND channel = $2 AND contact = $3
         ON CONFLICT DO NOTHING`,
        [merchantId, channel, from, to, test],
      );
      await manager.query(
        `DELETE FROM consent_withdrawals WHERE merchant_id = $1 AND test = $4 AND channel = $2 AND contact = $3
           AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.merchant_id = $1 AND c.test = $4 AND ${contactFieldOf(channel) === 'email' ? 'lower(c.email)' : 'c.phone'} = $3)`,
        [merchantId, channel, from, test],
      );
    }
    await manager.query(
      `UPDATE notifications SET recipient = $4, updated_at = now()
       WHERE customer_id = $1 AND merchant_id = $2 AND channel = $3 AND status IN ('scheduled', 'queued')`,
      [id, merchantId, channel, to],
    );
  }

  /**
   * The customer unsubscribed from the merchant's mail. Returns true if this changed anything. Addresses are kept
   * lower-case: mail to `Ada@Example.com` and to `ada@example.com` reaches the same person.
   */
  async optOutEmail(merchantId: string, email: string, source: 'unsubscribe' | 'spamreport'): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `INSERT INTO email_opt_outs (merchant_id, email, source) VALUES ($1, lower($2), $3) ON CONFLICT DO NOTHING RETURNING 1`,
      [merchantId, email, source],
    );
    return rows.length > 0;
  }
}
