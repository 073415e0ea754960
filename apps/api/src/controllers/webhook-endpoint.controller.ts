import { Body, Controller, Delete, Get, HttpCode, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { MerchantEntity } from '@herald/persistence';
import { WebhookEndpoints } from '@herald/webhooks';
import {
  deliveriesQuery,
  DeliveriesQuery,
  putWebhookEndpointBody,
  PutWebhookEndpointBody,
  putWebhookEndpointExamples,
  WebhookDeliveryPage,
  webhookDeliveryPageSchema,
  WebhookEndpointResponse,
  webhookEndpointSchema,
  WebhookEndpointWithSecretResponse,
  webhookEndpointWithSecretSchema,
} from '../dto/webhook-endpoint.dto';
import { CurrentMerchant, LiveOnly, MerchantAuthGuard } from '../http/merchant-auth.guard';
import { ApiErrorResponse, ApiZodBody, ApiZodQuery, ApiZodResponse } from '../http/openapi';
import { ZodPipe } from '../http/zod-body.pipe';

@ApiTags('webhooks')
@ApiBearerAuth()
@ApiErrorResponse(401, 'missing_api_key', 'invalid_api_key', 'merchant_disabled')
@UseGuards(MerchantAuthGuard)
@Controller('v1/webhook-endpoint')
export class WebhookEndpointController {
  constructor(private readonly endpoints: WebhookEndpoints) {}

  @Put()
  @LiveOnly()
  @ApiOperation({ summary: 'Set your webhook (Standard Webhooks); the answer holds its new signing secret, shown once' })
  @ApiZodBody(putWebhookEndpointBody, putWebhookEndpointExamples)
  @ApiZodResponse(200, webhookEndpointWithSecretSchema, 'The endpoint, with the secret it signs with from now on')
  @ApiErrorResponse(400, 'validation_failed', 'malformed_json')
  @ApiErrorResponse(422, 'webhook_url_not_public')
  put(
    @CurrentMerchant() merchant: MerchantEntity,
    @Body(new ZodPipe(putWebhookEndpointBody)) body: PutWebhookEndpointBody,
  ): Promise<WebhookEndpointWithSecretResponse> {
    return this.endpoints.put(merchant.id, body);
  }

  @Get()
  @ApiOperation({ summary: 'Your webhook endpoint (never its secret)' })
  @ApiZodResponse(200, webhookEndpointSchema, 'The endpoint')
  @ApiErrorResponse(404, 'webhook_endpoint_not_found')
  get(@CurrentMerchant() merchant: MerchantEntity): Promise<WebhookEndpointResponse> {
    return this.endpoints.get(merchant.id);
  }

  @Delete()
  @LiveOnly()
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop webhooks; deliveries still waiting are cancelled' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrorResponse(404, 'webhook_endpoint_not_found')
  async remove(@CurrentMerchant() merchant: MerchantEntity): Promise<void> {
    await this.endpoints.remove(merchant.id);
  }

  @Get('deliveries')
  @ApiOperation({ summary: 'Webhook deliveries, newest first, with every attempt' })
  @ApiZodQuery(deliveriesQuery)
  @ApiZodResponse(200, webhookDeliveryPageSchema, 'One page; follow `nextCursor` for the next')
  @ApiErrorResponse(400, 'invalid_query', 'invalid_cursor')
  deliveries(
    @CurrentMerchant() merchant: MerchantEntity,
    @Query(new ZodPipe(deliveriesQuery, 'invalid_query')) query: DeliveriesQuery,
  ): Promise<WebhookDeliveryPage> {
    return this.endpoints.deliveries(merchant.id, query);
  }
}
