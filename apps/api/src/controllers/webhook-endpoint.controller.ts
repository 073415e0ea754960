import { Body, Controller, Delete, Get, HttpCode, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { MerchantEntity } from '@herald/persistence';
import { WebhookEndpoints } from '@herald/webhooks';
import {
  deliveriesQuery,
  DeliveriesQuery,
  putWebhookEndpointBody,
  PutWebhookEndpointBody,
  WebhookDeliveryPage,
  WebhookEndpointResponse,
  WebhookEndpointWithSecretResponse,
} from '../dto/webhook.dto';
import { CurrentMerchant, MerchantAuthGuard } from '../http/merchant-auth.guard';
import { ApiZodBody, ApiZodQuery } from '../http/openapi';
import { ZodPipe } from '../http/zod-body.pipe';

@ApiTags('webhooks')
@ApiBearerAuth()
@UseGuards(MerchantAuthGuard)
@Controller('v1/webhook-endpoint')
export class WebhookEndpointController {
  constructor(private readonly endpoints: WebhookEndpoints) {}

  @Put()
  @ApiOperation({ summary: 'Set your webhook (Standard Webhooks); the answer holds its new signing secret, shown once' })
  @ApiZodBody(putWebhookEndpointBody)
  put(
    @CurrentMerchant() merchant: MerchantEntity,
    @Body(new ZodPipe(putWebhookEndpointBody)) body: PutWebhookEndpointBody,
  ): Promise<WebhookEndpointWithSecretResponse> {
    return this.endpoints.put(merchant.id, body);
  }

  @Get()
  @ApiOperation({ summary: 'Your webhook endpoint (never its secret)' })
  get(@CurrentMerchant() merchant: MerchantEntity): Promise<WebhookEndpointResponse> {
    return this.endpoints.get(merchant.id);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop webhooks; deliveries still waiting are cancelled' })
  async remove(@CurrentMerchant() merchant: MerchantEntity): Promise<void> {
    await this.endpoints.remove(merchant.id);
  }

  @Get('deliveries')
  @ApiOperation({ summary: 'Webhook deliveries, newest first, with every attempt' })
  @ApiZodQuery(deliveriesQuery)
  deliveries(
    @CurrentMerchant() merchant: MerchantEntity,
    @Query(new ZodPipe(deliveriesQuery, 'invalid_query')) query: DeliveriesQuery,
  ): Promise<WebhookDeliveryPage> {
    return this.endpoints.deliveries(merchant.id, query);
  }
}
