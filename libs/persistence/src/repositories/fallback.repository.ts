import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ContactHashing } from '../contact-hash';
import { Channel, NotificationEntity, OrderStatus } from '../entities';
import { CONSENT_COLUMNS, CUSTOMER_COLUMNS, CustomerRecord, reviveCustomer } from './customer.repository';
import { notificationColumns } from './notification.rows';

/** A notification that failed for good, with what a fallback on the customer's other channel needs to know. */
export interface FallbackContext {
  notification: NotificationEntity;
  customer: CustomerRecord | null;
  orderStatus: OrderStatus | null;
  /** The channels the notification's order sends on (each has its own notifications already). */
  orderChannels: Channel[];
  merchantName: string;
  /** A campaign's email subject, when the notification is a campaign's send. */
  campaignSubject: string | null;
}

/** The links between a notification that failed for good and the one sent on the other channel in its place. */
@Injectable()
export class FallbackRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hashing: ContactHashing,
  ) {}

  /**
   * `platformSender`: the SMS number used when the merchant has none of its own; its opt-out list applies. An erased
   * customer is none: nothing falls back to it.
   */
  async findContext(notificationId: string, platformSender: string): Promise<FallbackContext | null> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT ${notificationColumns('n')}, o.status AS "orderStatus", o.channels AS "orderChannels", m.name AS "merchantName",
              cp.subject AS "campaignSubject",
              (SELECT row_to_json(x) FROM (SELECT ${CUSTOMER_COLUMNS('c')}, ${CONSENT_COLUMNS('c', 'm', '$2', '$3')}) x) AS customer
       FROM notifications n
       JOIN merchants m ON m.id = n.merchant_id
       LEFT JOIN orders o ON o.id = n.order_id
       LEFT JOIN campaigns cp ON cp.id = n.campaign_id
       LEFT JOIN customers c ON c.id = coalesce(n.customer_id, o.customer_id) AND c.erased_at IS NULL
       WHERE n.id = $1`,
      [notificationId, platformSender, this.hashing.pads],
    );
    const row = rows[0];
    if (!row) return null;
    const { orderStatus, orderChannels, merchantName, campaignSubject, customer, ...notification } = row;
    const known = customer !== null && (customer as { id: string | null }).id !== null;
    return {
      notification: notification as unknown as NotificationEntity,
      customer: known ? reviveCustomer(customer as Record<string, unknown>) : null,
      orderStatus: (orderStatus as OrderStatus | null) ?? null,
      orderChannels: (orderChannels as Channel[] | null) ?? [],
      merchantName: merchantName as string,
      campaignSubject: (campaignSubject as string | null) ?? null,
    };
  }

  /** The fallback sent in place of each of these notifications, by the failed one's id. */
  async fallbacksOf(notificationIds: string[]): Promise<Map<string, string>> {
    if (!notificationIds.length) return new Map();
    const rows: { id: string; fallbackForId: string }[] = await this.db.query(
      `SELECT id, fallback_for_id AS "fallbackForId" FROM notifications WHERE fallback_for_id = ANY($1::uuid[])`,
      [notificationIds],
    );
    return new Map(rows.map((r) => [r.fallbackForId, r.id]));
  }
}
