import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { MerchantsService } from '@herald/merchants';
import { createMerchantBody, CreateMerchantBody, createMerchantExamples, createdMerchantView, CreatedMerchantView } from '../dto/merchant.dto';
import { AdminAuthGuard } from '../http/admin-auth.guard';
import { ApiErrorResponse, ApiZodBody, ApiZodResponse } from '../http/openapi';
import { ZodPipe } from '../http/zod-body.pipe';

@ApiTags('admin')
@ApiBasicAuth()
@ApiErrorResponse(401, 'admin_auth_required')
@ApiErrorResponse(403, 'cross_site_request', 'admin_read_only')
@ApiErrorResponse(429, 'rate_limited', 'too_many_failed_logins')
@UseGuards(ThrottlerGuard, AdminAuthGuard)
@Controller('admin/merchants')
export class AdminMerchantsController {
  constructor(private readonly merchants: MerchantsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a merchant; the API key in the answer is shown once' })
  @ApiZodBody(createMerchantBody, createMerchantExamples)
  @ApiZodResponse(201, createdMerchantView, 'The merchant and its API key')
  @ApiErrorResponse(400, 'validation_failed', 'malformed_json')
  async create(@Body(new ZodPipe(createMerchantBody)) body: CreateMerchantBody): Promise<CreatedMerchantView> {
    const { merchant, apiKey, defaultReminderBefore } = await this.merchants.create(body);
    return { id: merchant.id, name: merchant.name, timezone: merchant.timezone, defaultReminderBefore, apiKey };
  }
}
