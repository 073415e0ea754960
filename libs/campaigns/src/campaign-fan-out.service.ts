import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { platformSmsSender, reachableChannel } from '@herald/customers';
import { FrequencyCaps } from '@herald/frequency-caps';
import { CampaignEntity, CampaignRepository, CustomerRecord, FanOutPlan, MerchantRepository, NewNotification } from '@herald/persistence';
import { NotificationJobs } from '@herald/queues';

/** Customers resolved per transaction: big enough to keep round trips few, small enough to keep locks and memory short. */
export const FANOUT_CHUNK_SIZE = 1000;

/** One send per reachable customer, on its channel (preference and consent decide); the rest counted by reason. */
export function planChunk(campaign: CampaignEntity, merchantName: string, customers: CustomerRecord[], now: Date): FanOutPlan {
  const notifications: NewNotification[] = [];
  const skipped: Record<string, number> = {};
  const scheduledFor = new Date(campaign.scheduledFor);
  for (const customer of customers) {
    const reach = reachableChannel(customer);
    if (!reach.channel) {
      skipped[reach.reason] = (skipped[reach.reason] ?? 0) + 1;
      continue;
    }
    notifications.push({
      id: randomUUID(),
      merchantId: campaign.merchantId,
      orderId: null,
      kind: 'campaign',
      channel: reach.channel,
      priority: 'bulk',
      recipient: reach.recipient,
      locale: campaign.locale ?? customer.locale,
      subject: reach.channel === 'email' && campaign.body !== null ? (campaign.subject ?? `Message from ${merchantName}`) : null,
      body: campaign.body,
      status: scheduledFor > now ? 'scheduled' : 'queued',
      scheduledFor,
      customerId: customer.id,
      campaignId: campaign.id,
      test: campaign.test,
    });
  }
  return { notifications, skipped };
}

/**
 * Where a campaign becomes notifications: its fan-out job resolves the audience a chunk at a time, each chunk's sends
 * committed with the fan-out's progress and then enqueued with one `addBulk` per queue. A retried or taken-over job
 * goes on from the last committed chunk; sends committed but not enqueued (a crash in between) are found by the
 * reconciliation like any other pending notification.
 */
@Injectable()
export class CampaignFanOut {
  private readonly logger = new Logger(CampaignFanOut.name);
  private readonly platformSender: string;

  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly merchants: MerchantRepository,
    private readonly jobs: NotificationJobs,
    private readonly caps: FrequencyCaps,
    @InjectConfig() config: HeraldConfig,
  ) {
    this.platformSender = platformSmsSender(config);
  }

  async run(campaignId: string): Promise<{ created: number; chunks: number }> {
    const campaign = await this.campaigns.findById(campaignId);
    if (!campaign) return { created: 0, chunks: 0 };
    const shopName = (await this.merchants.findById(campaign.merchantId))?.name ?? '';
    let created = 0;
    let chunks = 0;
    for (;;) {
      const chunk = await this.campaigns.fanOutChunk(campaignId, FANOUT_CHUNK_SIZE, this.platformSender, (current, customers) =>
        this.withinCaps(current, planChunk(current, shopName, customers, new Date())),
      );
      await this.jobs.schedule(chunk.created);
      created += chunk.created.length;
      chunks += 1;
      if (chunk.done) break;
    }
    this.logger.log({ msg: 'campaign fanned out', campaignId, created, chunks });
    return { created, chunks };
  }

  /**
   * The plan less the customers the merchant's frequency caps leave no room for (skipped, `frequency_cap`). The
   * merchant is read for each chunk, so a change of caps applies from the next chunk on.
   */
  private async withinCaps(campaign: CampaignEntity, plan: FanOutPlan): Promise<FanOutPlan> {
    const merchant = await this.merchants.findById(campaign.merchantId);
    if (!merchant) return plan;
    const admitted = await this.caps.admit(merchant, campaign.id, new Date(campaign.scheduledFor), plan.notifications.map((n) => n.customerId!));
    const notifications = plan.notifications.filter((n) => admitted.has(n.customerId!));
    const capped = plan.notifications.length - notifications.length;
    if (!capped) return plan;
    return { notifications, skipped: { ...plan.skipped, frequency_cap: (plan.skipped.frequency_cap ?? 0) + capped } };
  }
}
