import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { platformSmsSender, reachableChannel } from '@herald/customers';
import { DomainError, notFound } from '@herald/errors';
import { FrequencyCaps, hasFrequencyCaps } from '@herald/frequency-caps';
import { schedulingRulesOf } from '@herald/merchants';
import { decodeCursor, pageOf, ScheduleHorizon } from '@herald/notifications';
import { CampaignEntity, CampaignRepository, CustomerRepository, MerchantEntity, MessageTemplateRepository } from '@herald/persistence';
import { CampaignJobs, NotificationJobs, settleCommittedWork } from '@herald/queues';
import { planBulkSend } from '@herald/scheduling';
import { CampaignAudienceView, CampaignPageView, CampaignView, toCampaignView } from './campaign.view';
import { FANOUT_CHUNK_SIZE } from './campaign-fan-out.service';

export interface NewCampaignInput {
  name: string;
  /** The text as it goes; or `template: 'campaign'`, the merchant's campaign template rendered for each customer. */
  body?: string;
  template?: 'campaign';
  /** Email only; default "Message from <shop name>" for a `body`, the template's subject otherwise. */
  subject?: string;
  locale?: string;
  /** `all`, or the customers named. */
  audience: { all?: true; customerIds?: string[] };
  sendAt?: Date;
}

/**
 * Campaigns as merchants handle them. Creating one only records it and its fan-out job: a worker resolves the audience
 * into sends a chunk at a time (CampaignFanOut), so a campaign to 100,000 customers holds neither a request nor a
 * transaction open for long.
 *
 * `test`: the caller holds a test key. Its campaigns reach the merchant's test customers only, and it sees no other;
 * a live campaign never reaches a test customer, so its counts never include a test send.
 */
@Injectable()
export class CampaignsService {
  private readonly platformSender: string;

  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly customers: CustomerRepository,
    private readonly templates: MessageTemplateRepository,
    private readonly campaignJobs: CampaignJobs,
    private readonly jobs: NotificationJobs,
    private readonly horizon: ScheduleHorizon,
    private readonly caps: FrequencyCaps,
    @InjectConfig() config: HeraldConfig,
  ) {
    this.platformSender = platformSmsSender(config);
  }

  async create(merchant: MerchantEntity, test: boolean, input: NewCampaignInput): Promise<CampaignView> {
    const now = new Date();
    if (input.sendAt) this.horizon.check('sendAt', input.sendAt, now);
    this.checkShape(input);
    const customerIds = input.audience.customerIds ? [...new Set(input.audience.customerIds)] : null;
    if (customerIds) {
      const unknown = await this.customers.unknownIds({ merchantId: merchant.id, test }, customerIds);
      if (unknown.length) {
        throw new DomainError('invalid', 'unknown_customer', `${unknown.length} of audience.customerIds are not your customers, e.g. ${unknown[0]}`, { customerIds: unknown.slice(0, 100) });
      }
    }
    if (input.template && !(await this.templates.list(merchant.id, { kind: 'campaign' })).length) {
      throw new DomainError('unprocessable', 'template_not_found', 'you have no campaign template: PUT /v1/templates/campaign/{locale} first, or give a body');
    }
    const plan = planBulkSend(input.sendAt ?? null, schedulingRulesOf(merchant), now);
    const campaign = await this.campaigns.create({
      id: randomUUID(),
      merchantId: merchant.id,
      name: input.name,
      subject: input.subject ?? null,
      body: input.body ?? null,
      locale: input.locale ?? null,
      customerIds,
      sendAt: input.sendAt ?? null,
      scheduledFor: plan.scheduledFor,
      test,
    });
    await settleCommittedWork(`campaign ${campaign.id}`, () => this.campaignJobs.ensureFanOut(campaign.id));
    return this.view(campaign);
  }

  /**
   * Whom a campaign to all would reach now, by the fan-out's own rule (reachableChannel), read a fan-out chunk at a time
   * so that no request holds a merchant's 100,000 customers at once.
   */
  async audience(merchant: MerchantEntity, test: boolean): Promise<CampaignAudienceView> {
    const audience: CampaignAudienceView = { customers: 0, sms: 0, email: 0, whatsapp: 0, skipped: {} };
    let after: string | null = null;
    do {
      const customers = await this.campaigns.everyoneAfter({ merchantId: merchant.id, test }, after, FANOUT_CHUNK_SIZE, this.platformSender);
      for (const customer of customers) {
        const reach = reachableChannel(customer);
        audience.customers += 1;
        if (reach.channel) audience[reach.channel] += 1;
        else audience.skipped[reach.reason] = (audience.skipped[reach.reason] ?? 0) + 1;
      }
      after = customers.length === FANOUT_CHUNK_SIZE ? customers[customers.length - 1].id : null;
    } while (after);
    return audience;
  }

  async get(merchant: MerchantEntity, test: boolean, id: string): Promise<CampaignView> {
    const campaign = await this.campaigns.findForMerchant({ merchantId: merchant.id, test }, id);
    if (!campaign) throw notFound('campaign');
    return this.view(campaign);
  }

  async list(merchant: MerchantEntity, test: boolean, query: { limit: number; cursor?: string }): Promise<CampaignPageView> {
    const rows = await this.campaigns.page({ merchantId: merchant.id, test }, query.limit + 1, query.cursor ? decodeCursor(query.cursor) : undefined);
    const { page, nextCursor } = pageOf(rows, query.limit);
    const counts = await this.campaigns.countsOf(page.map((c) => c.id));
    return { data: page.map((campaign) => toCampaignView(campaign, counts.get(campaign.id)!)), nextCursor };
  }

  /**
   * Everything not yet under way becomes `cancelled`, and the fan-out adds nothing more. A send a worker already holds
   * may still go out; nothing is sent once this has answered and those few have settled. Cancelling again is harmless;
   * cancelling a completed campaign is refused (it would rewrite what happened). Cancelled sends no longer count
   * against frequency caps.
   */
  async cancel(merchant: MerchantEntity, test: boolean, id: string): Promise<CampaignView> {
    const result = await this.campaigns.cancel({ merchantId: merchant.id, test }, id);
    if (!result) throw notFound('campaign');
    if (result.finished) throw new DomainError('conflict', 'campaign_finished', 'the campaign has completed: no send is left to cancel');
    await settleCommittedWork(`cancelled campaign ${id}`, () => this.jobs.discard(result.cancelled));
    // What was cancelled never reaches anyone: it no longer counts against the customers' caps.
    const uncounted = result.cancelled.filter((send) => send.customerId && !send.isFallback).map((send) => send.customerId!);
    if (uncounted.length && hasFrequencyCaps(merchant)) {
      const { campaign } = result;
      await settleCommittedWork(`frequency caps of campaign ${id}`, () => this.caps.release(merchant, campaign.id, new Date(campaign.scheduledFor), uncounted));
    }
    return this.view(result.campaign);
  }

  /** A text and an audience, each given one way. */
  private checkShape(input: NewCampaignInput): void {
    if (!input.body === !input.template) {
      throw new DomainError('invalid', 'campaign_body_or_template', 'give exactly one of body or template');
    }
    const { all, customerIds } = input.audience;
    if (all && customerIds) throw new DomainError('invalid', 'validation_failed', 'audience: give all or customerIds, not both');
    if (!all && !customerIds?.length) throw new DomainError('invalid', 'empty_audience', 'audience: give {all: true} or a non-empty customerIds');
  }

  private async view(campaign: CampaignEntity): Promise<CampaignView> {
    const counts = await this.campaigns.countsOf([campaign.id]);
    return toCampaignView(campaign, counts.get(campaign.id)!);
  }
}
