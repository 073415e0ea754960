import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { campaignAudienceView, campaignPageView, CampaignsService, campaignView } from '@herald/campaigns';
import type { MerchantEntity } from '@herald/persistence';
import { createCampaignBody, CreateCampaignBody, createCampaignExamples, listCampaignsQuery, ListCampaignsQuery } from '../dto/campaign.dto';
import { IdempotencyKeyGuard } from '../http/idempotency-key.guard';
import { CurrentMerchant, MerchantAuthGuard, TestKey } from '../http/merchant-auth.guard';
import { ApiErrorResponse, ApiIdempotencyKey, ApiIdParam, ApiZodBody, ApiZodQuery, ApiZodResponse } from '../http/openapi';
import { ZodPipe } from '../http/zod-body.pipe';
import { idParam } from './id-param';

/** Messages to many customers on `bulk`: never in the way of confirmations, at the providers' configured rates. */
@ApiTags('campaigns')
@ApiBearerAuth()
@ApiErrorResponse(401, 'missing_api_key', 'invalid_api_key', 'merchant_disabled')
@UseGuards(MerchantAuthGuard, IdempotencyKeyGuard)
@Controller('v1/campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a message to many customers',
    description:
      'Answers at once (`preparing`); a worker then gives each customer of the audience one send, on `bulk` (up to 100,000 customers). ' +
      'Each goes on the customer’s preferred channel if known and consented, else the other; customers reachable on neither are counted in ' +
      '`skipped` by reason. Sends go no faster than CAMPAIGN_RATE_SMS / CAMPAIGN_RATE_EMAIL a second, keep out of your quiet hours, and ' +
      'never delay confirmations or reminders. Follow the progress with GET /v1/campaigns/{id}.',
  })
  @ApiIdempotencyKey()
  @ApiZodBody(createCampaignBody, createCampaignExamples)
  @ApiZodResponse(202, campaignView, 'The campaign, `preparing`')
  @ApiErrorResponse(400, 'validation_failed', 'malformed_json', 'campaign_body_or_template', 'empty_audience', 'unknown_customer')
  @ApiErrorResponse(409, 'idempotency_request_in_progress')
  @ApiErrorResponse(422, 'schedule_too_far_ahead', 'template_not_found', 'idempotency_key_reused')
  create(@CurrentMerchant() merchant: MerchantEntity, @TestKey() test: boolean, @Body(new ZodPipe(createCampaignBody)) body: CreateCampaignBody) {
    return this.campaigns.create(merchant, test, body);
  }

  @Get()
  @ApiOperation({ summary: 'Your campaigns, newest first, with their progress' })
  @ApiZodQuery(listCampaignsQuery)
  @ApiZodResponse(200, campaignPageView, 'One page; follow `nextCursor` for the next')
  @ApiErrorResponse(400, 'invalid_query', 'invalid_cursor')
  list(
    @CurrentMerchant() merchant: MerchantEntity,
    @TestKey() test: boolean,
    @Query(new ZodPipe(listCampaignsQuery, 'invalid_query')) query: ListCampaignsQuery,
  ) {
    return this.campaigns.list(merchant, test, query);
  }

  @Get('audience')
  @ApiOperation({
    summary: 'Whom a campaign to all your customers would reach now',
    description:
      'Your customers counted by the channel a campaign to all would use for each (the same rule as sending: the preferred channel if ' +
      'known and consented, else the other), and those it would skip, by reason. Frequency caps are applied when a campaign goes.',
  })
  @ApiZodResponse(200, campaignAudienceView, 'The counts')
  audience(@CurrentMerchant() merchant: MerchantEntity, @TestKey() test: boolean) {
    return this.campaigns.audience(merchant, test);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A campaign and its progress: sends by status, customers skipped by reason' })
  @ApiIdParam('campaign')
  @ApiZodResponse(200, campaignView, 'The campaign')
  @ApiErrorResponse(404, 'campaign_not_found')
  get(@CurrentMerchant() merchant: MerchantEntity, @TestKey() test: boolean, @Param('id', idParam('campaign')) id: string) {
    return this.campaigns.get(merchant, test, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a campaign: nothing more is sent',
    description:
      'Every send not yet under way becomes `cancelled`, and customers not yet given a send get none. A send a worker holds at that moment ' +
      'may still go out. Cancelling again answers the same. A `completed` campaign cannot be cancelled: 409 `campaign_finished`.',
  })
  @ApiIdParam('campaign')
  @ApiZodResponse(200, campaignView, 'The campaign, `cancelled`')
  @ApiErrorResponse(404, 'campaign_not_found')
  @ApiErrorResponse(409, 'campaign_finished')
  cancel(@CurrentMerchant() merchant: MerchantEntity, @TestKey() test: boolean, @Param('id', idParam('campaign')) id: string) {
    return this.campaigns.cancel(merchant, test, id);
  }
}
