import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ContactHashing } from '../contact-hash';
import { CampaignEntity, NotificationEntity, NotificationStatus } from '../entities';
import { retryOnDeadlock } from '../deadlock-retry';
import { EventLogCommits } from '../event-log-commits';
import { CONSENT_COLUMNS, CUSTOMER_COLUMNS, CustomerRecord, reviveCustomer } from './customer.repository';
import { NewNotification, NotificationRepository } from './notification.repository';
import { inWorld, Tenant } from './test-world';

export type NewCampaign = Pick<CampaignEntity, 'id' | 'merchantId' | 'name' | 'subject' | 'body' | 'locale' | 'customerIds' | 'sendAt' | 'scheduledFor' | 'test'>;

/** What a fan-out chunk decided for its customers: the sends to create, and how many it skipped by reason. */
export interface FanOutPlan {
  notifications: NewNotification[];
  skipped: Record<string, number>;
}

export interface FanOutChunk {
  campaign: CampaignEntity;
  /** Sends this chunk created (none when the campaign was cancelled or already fanned out). */
  created: NotificationEntity[];
  /** Nothing is left to resolve. */
  done: boolean;
}

/** What the queues need to know of a notification that will not be sent, to drop its job. */
export type DiscardedSend = Pick<NotificationEntity, 'id' | 'priority' | 'kind' | 'channel' | 'test'>;

/** A campaign send its cancellation stopped: its job goes, and its customer's frequency cap count. */
export type CancelledSend = DiscardedSend & { customerId: string | null; isFallback: boolean };

const CAMPAIGN_COLUMNS = `id, merchant_id AS "merchantId", name, subject, body, locale, customer_ids AS "customerIds", send_at AS "sendAt",
  scheduled_for AS "scheduledFor", fanout_cursor AS "fanoutCursor", fanned_out_at AS "fannedOutAt", skipped,
  cancelled_at AS "cancelledAt", test, created_at AS "createdAt", updated_at AS "updatedAt"`;

@Injectable()
export class CampaignRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly notifications: NotificationRepository,
    private readonly commits: EventLogCommits,
    private readonly hashing: ContactHashing,
  ) {}

  async create(campaign: NewCampaign): Promise<CampaignEntity> {
    const [row] = await this.db.query(
      `INSERT INTO campaigns (id, merchant_id, name, subject, body, locale, customer_ids, send_at, scheduled_for, test)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${CAMPAIGN_COLUMNS}`,
      [
        campaign.id,
        campaign.merchantId,
        campaign.name,
        campaign.subject,
        campaign.body,
        campaign.locale,
        campaign.customerIds,
        campaign.sendAt,
        campaign.scheduledFor,
        campaign.test,
      ],
    );
    return row;
  }

  async findById(id: string): Promise<CampaignEntity | null> {
    const rows: CampaignEntity[] = await this.db.query(`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** The merchant's campaign in the world asked for (`test`: made by a test key); null in the other. */
  async findForMerchant({ merchantId, test }: Tenant, id: string): Promise<CampaignEntity | null> {
    const rows: CampaignEntity[] = await this.db.query(
      `SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE id = $1 AND merchant_id = $2 AND ${inWorld('campaigns', test)}`,
      [id, merchantId],
    );
    return rows[0] ?? null;
  }

  /** One world's campaigns, newest first; the cursor is the last row of the previous page. */
  async page({ merchantId, test }: Tenant, limit: number, after?: { createdAt: Date; id: string }): Promise<CampaignEntity[]> {
    const params: unknown[] = [merchantId, limit];
    const cursor = after ? `AND (created_at, id) < ($${params.push(after.createdAt)}, $${params.push(after.id)})` : '';
    return this.db.query(
      `SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE merchant_id = $1 AND ${inWorld('campaigns', test)} ${cursor} ORDER BY created_at DESC, id DESC LIMIT $2`,
      params,
    );
  }

  /** Each campaign's sends by status, fallbacks apart (`fallbacks` counts them). */
  async countsOf(campaignIds: string[]): Promise<Map<string, { byStatus: Partial<Record<NotificationStatus, number>>; fallbacks: number }>> {
    const counts = new Map(campaignIds.map((id) => [id, { byStatus: {} as Partial<Record<NotificationStatus, number>>, fallbacks: 0 }]));
    if (!campaignIds.length) return counts;
    const rows: { campaignId: string; status: NotificationStatus; fallback: boolean; count: string }[] = await this.db.query(
      `SELECT campaign_id AS "campaignId", status, fallback_for_id IS NOT NULL AS fallback, count(*) AS count
       FROM notifications WHERE campaign_id = ANY($1::uuid[]) GROUP BY 1, 2, 3`,
      [campaignIds],
    );
    for (const row of rows) {
      const entry = counts.get(row.campaignId)!;
      if (row.fallback) entry.fallbacks += Number(row.count);
      else entry.byStatus[row.status] = Number(row.count);
    }
    return counts;
  }

  /**
   * Resolves the next `size` customers of the audience (in id order, after the last chunk's) into sends, under the
   * campaign's row lock: the sends, the skipped counts and the new cursor commit together, so a fan-out that is
   * retried or taken over goes on exactly where the last commit left it, and a cancel in between stops it.
   */
  async fanOutChunk(campaignId: string, size: number, platformSender: string, plan: (campaign: CampaignEntity, customers: CustomerRecord[]) => Promise<FanOutPlan>): Promise<FanOutChunk> {
    const chunk = await this.db.transaction(async (manager): Promise<FanOutChunk> => {
      const [campaign]: CampaignEntity[] = await manager.query(`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE id = $1 FOR UPDATE`, [campaignId]);
      if (!campaign || campaign.cancelledAt || campaign.fannedOutAt) return { campaign, created: [], done: true };
      const customers = await this.audienceAfter(campaign, size, platformSender, manager);
      const { notifications, skipped } = await plan(campaign, customers);
      const { notifications: created } = await this.notifications.insert(notifications, manager);
      const done = customers.length < size;
      // In a WITH: TypeORM answers a bare UPDATE … RETURNING with a [rows, count] pair.
      const [updated]: CampaignEntity[] = await manager.query(
        `WITH updated AS (
           UPDATE campaigns SET fanout_cursor = coalesce($2, fanout_cursor), skipped = $3::jsonb, updated_at = now(),
                  fanned_out_at = CASE WHEN $4::boolean THEN now() END
           WHERE id = $1 RETURNING *
         ) SELECT ${CAMPAIGN_COLUMNS} FROM updated`,
        [campaignId, customers[customers.length - 1]?.id ?? null, JSON.stringify(addCounts(campaign.skipped, skipped)), done],
      );
      return { campaign: updated, created, done };
    });
    if (chunk.created.length) this.commits.committed([chunk.campaign.merchantId]);
    return chunk;
  }

  /**
   * Marks the campaign cancelled and every send of it not yet under way `cancelled` (with its history event), in one
   * transaction holding the campaign's lock, so no fan-out chunk adds sends after it. Null for an unknown campaign.
   */
  /** `finished`: the campaign had completed (fanned out, no send pending), so nothing was changed. */
  async cancel({ merchantId, test }: Tenant, id: string): Promise<{ campaign: CampaignEntity; cancelled: CancelledSend[]; finished: boolean } | null> {
    // Its sends' rows are locked in no set order, as the workers' grouped claims lock theirs: a deadlock is retried.
    const result = await retryOnDeadlock(() => this.db.transaction(async (manager) => {
      const [current]: CampaignEntity[] = await manager.query(
        `SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE id = $1 AND merchant_id = $2 AND ${inWorld('campaigns', test)} FOR UPDATE`,
        [id, merchantId],
      );
      if (!current) return null;
      // Asked only once the lock is held, in a statement of its own: had it been part of the locking SELECT, a fan-out
      // chunk committing while that SELECT waited would show its `fanned_out_at` but not its sends (the statement's
      // snapshot predates them), and a campaign still to go out would look completed.
      const [{ pending }]: { pending: boolean }[] = await manager.query(
        `SELECT EXISTS (SELECT 1 FROM notifications WHERE campaign_id = $1 AND status IN ('scheduled', 'queued', 'sending')) AS pending`,
        [id],
      );
      if (!current.cancelledAt && current.fannedOutAt && !pending) return { campaign: current, cancelled: [], finished: true };
      const [campaign]: CampaignEntity[] = await manager.query(
        `WITH updated AS (
           UPDATE campaigns SET cancelled_at = coalesce(cancelled_at, now()), updated_at = now() WHERE id = $1 RETURNING *
         ) SELECT ${CAMPAIGN_COLUMNS} FROM updated`,
        [id],
      );
      const cancelled: CancelledSend[] = await manager.query(
        `WITH changed AS (
           UPDATE notifications SET status = 'cancelled', updated_at = now(), last_event_xid = greatest(last_event_xid, pg_current_xact_id())
           WHERE campaign_id = $1 AND status IN ('scheduled', 'queued')
           RETURNING id, merchant_id, test, last_event_xid, priority, kind, channel, customer_id, fallback_for_id
         ), logged AS (
           INSERT INTO notification_events (notification_id, merchant_id, test, order_xid, status, detail)
           SELECT id, merchant_id, test, last_event_xid, 'cancelled', '{"by": "merchant", "reason": "campaign_cancelled"}'::jsonb FROM changed
         )
         SELECT id, priority, kind, channel, test, customer_id AS "customerId", fallback_for_id IS NOT NULL AS "isFallback" FROM changed`,
        [id],
      );
      return { campaign, cancelled, finished: false };
    }));
    if (result?.cancelled.length) this.commits.committed([merchantId]);
    return result;
  }

  /** The campaign sends due from `since` on that were not cancelled or skipped: what frequency caps count. */
  async cappedSendsSince(merchantId: string, since: Date): Promise<{ customerId: string; campaignId: string; scheduledFor: Date }[]> {
    return this.db.query(
      `SELECT DISTINCT customer_id AS "customerId", campaign_id AS "campaignId", scheduled_for AS "scheduledFor"
       FROM notifications
       WHERE merchant_id = $1 AND campaign_id IS NOT NULL AND customer_id IS NOT NULL AND fallback_for_id IS NULL AND priority = 'bulk'
         AND scheduled_for >= $2 AND status NOT IN ('cancelled', 'skipped')`,
      [merchantId, since],
    );
  }

  /** Campaigns whose fan-out has not finished (and was not cancelled): each must have its fan-out job. */
  async unfinishedFanOuts(): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(`SELECT id FROM campaigns WHERE fanned_out_at IS NULL AND cancelled_at IS NULL`);
    return rows.map((r) => r.id);
  }

  /** The next `size` of all the merchant's customers in its world after `after` (id order), as a campaign to all sees them. */
  async everyoneAfter({ merchantId, test }: Tenant, after: string | null, size: number, platformSender: string): Promise<CustomerRecord[]> {
    return this.audienceAfter({ merchantId, test, fanoutCursor: after, customerIds: null }, size, platformSender);
  }

  /**
   * The next customers of the campaign's audience, in its world: a live campaign never reaches a test customer; an
   * erased customer is in no audience.
   */
  private async audienceAfter(
    campaign: Pick<CampaignEntity, 'merchantId' | 'test' | 'fanoutCursor' | 'customerIds'>,
    size: number,
    platformSender: string,
    manager: EntityManager = this.db.manager,
  ): Promise<CustomerRecord[]> {
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT ${CUSTOMER_COLUMNS('c')}, ${CONSENT_COLUMNS('c', 'm', '$5', '$6')}
       FROM customers c JOIN merchants m ON m.id = c.merchant_id
       WHERE c.merchant_id = $1 AND ${inWorld('c', campaign.test)} AND ($2::uuid IS NULL OR c.id > $2) AND ($3::uuid[] IS NULL OR c.id = ANY($3::uuid[]))
         AND c.erased_at IS NULL
       ORDER BY c.id LIMIT $4`,
      [campaign.merchantId, campaign.fanoutCursor, campaign.customerIds, size, platformSender, this.hashing.pads],
    );
    return rows.map(reviveCustomer);
  }
}

function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const sum = { ...a };
  for (const [key, value] of Object.entries(b)) sum[key] = (sum[key] ?? 0) + value;
  return sum;
}
