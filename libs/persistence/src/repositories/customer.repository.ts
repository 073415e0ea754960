import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CustomerEntity } from '../entities';
import { runPrepared } from './prepared-statement';

/**
 * A customer with whether each of its channels may be used: not if the customer opted out (SMS: of the merchant's
 * sender; email: of the merchant's mail), nor if the merchant withdrew it.
 */
export interface CustomerRecord extends CustomerEntity {
  smsOptedOut: boolean;
  emailOptedOut: boolean;
  /** The customer's own opt-out (STOP, Twilio 21610; unsubscribe, spam report), which only the customer undoes. */
  smsOptedOutByCustomer: boolean;
  emailOptedOutByCustomer: boolean;
}

export type CustomerChangeSet = Partial<Pick<CustomerEntity, 'preferredChannel' | 'locale'>>;

export const CUSTOMER_COLUMNS = (c: string) =>
  `${c}.id, ${c}.merchant_id AS "merchantId", ${c}.name, ${c}.phone, ${c}.email, ${c}.locale,
   ${c}.preferred_channel AS "preferredChannel", ${c}.created_at AS "createdAt"`;

/** The consent columns of customer `c` of merchant `m`; `$sender` is the platform's SMS number. */
export const CONSENT_COLUMNS = (c: string, m: string, sender: string) =>
  `EXISTS (SELECT 1 FROM opt_outs o WHERE o.sender = coalesce(${m}.sms_from, ${sender}) AND o.phone = ${c}.phone) AS "smsOptedOutByCustomer",
   EXISTS (SELECT 1 FROM email_opt_outs e WHERE e.merchant_id = ${c}.merchant_id AND e.email = lower(${c}.email)) AS "emailOptedOutByCustomer",
   EXISTS (SELECT 1 FROM consent_withdrawals w WHERE w.merchant_id = ${c}.merchant_id AND w.channel = 'sms' AND w.contact = ${c}.phone) AS "smsWithdrawn",
   EXISTS (SELECT 1 FROM consent_withdrawals w WHERE w.merchant_id = ${c}.merchant_id AND w.channel = 'email' AND w.contact = lower(${c}.email)) AS "emailWithdrawn"`;

export function reviveCustomer(row: Record<string, unknown>): CustomerRecord {
  const { smsWithdrawn, emailWithdrawn, ...record } = row as unknown as CustomerRecord & { smsWithdrawn: boolean; emailWithdrawn: boolean };
  return {
    ...record,
    smsOptedOut: record.smsOptedOutByCustomer || smsWithdrawn,
    emailOptedOut: record.emailOptedOutByCustomer || emailWithdrawn,
  };
}

@Injectable()
export class CustomerRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** `platformSender`: the SMS number used when the merchant has none of its own; its opt-out list applies. */
  async findForMerchant(merchantId: string, id: string, platformSender: string): Promise<CustomerRecord | null> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT ${CUSTOMER_COLUMNS('c')}, ${CONSENT_COLUMNS('c', 'm', '$3')}
       FROM customers c JOIN merchants m ON m.id = c.merchant_id
       WHERE c.id = $1 AND c.merchant_id = $2`,
      [id, merchantId, platformSender],
    );
    return rows[0] ? reviveCustomer(rows[0]) : null;
  }

  /** The preferences of the customer an order names by its contacts (the identity orders match customers on), if known. */
  async findByContacts(merchantId: string, phone: string | null, email: string | null): Promise<Pick<CustomerEntity, 'preferredChannel' | 'locale'> | null> {
    // Asked before every order: prepared (see runPrepared).
    const rows = await runPrepared<Pick<CustomerEntity, 'preferredChannel' | 'locale'>>(
      this.db,
      'customer-by-contacts',
      `SELECT preferred_channel AS "preferredChannel", locale FROM customers
       WHERE merchant_id = $1 AND coalesce(phone, '') = coalesce($2, '') AND coalesce(email, '') = coalesce($3, '')`,
      [merchantId, phone, email],
    );
    return rows[0] ?? null;
  }

  /** Which of these ids are not customers of the merchant (another merchant's count as unknown). */
  async unknownIds(merchantId: string, ids: string[]): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM unnest($2::uuid[]) AS given(id) WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = given.id AND c.merchant_id = $1)`,
      [merchantId, ids],
    );
    return rows.map((r) => r.id);
  }

  async update(merchantId: string, id: string, changes: CustomerChangeSet): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [id, merchantId];
    if (changes.preferredChannel !== undefined) sets.push(`preferred_channel = $${params.push(changes.preferredChannel)}`);
    if (changes.locale !== undefined) sets.push(`locale = $${params.push(changes.locale)}`);
    if (!sets.length) return;
    await this.db.query(`UPDATE customers SET ${sets.join(', ')} WHERE id = $1 AND merchant_id = $2`, params);
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
