import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { adminMerchantPageView, AdminMerchantView, adminMerchantView, OperatorsService } from '@herald/operators';
import { adminPageQuery, AdminPageQuery } from '../dto/admin.dto';
import { createMerchantBody, CreateMerchantBody, createMerchantExamples, createdMerchantView, CreatedMerchantView } from '../dto/merchant.dto';
import { AdminActor, AdminAuthGuard } from '../http/admin-auth.guard';
import { IdempotencyKeyGuard } from '../http/idempotency-key.guard';
import { ApiErrorResponse, ApiIdParam, ApiZodBody, ApiZodQuery, ApiZodResponse } from '../http/openapi';
import { ZodPipe } from '../http/zod-body.pipe';
import { idParam } from './id-param';

@ApiTags('admin')
@ApiBasicAuth()
@ApiErrorResponse(401, 'admin_auth_required')
@ApiErrorResponse(403, 'cross_site_request', 'admin_read_only')
@ApiErrorResponse(429, 'rate_limited', 'too_many_failed_logins')
@UseGuards(ThrottlerGuard, AdminAuthGuard, IdempotencyKeyGuard)
@Controller('admin/merchants')
export class AdminMerchantsController {
  constructor(private readonly operators: OperatorsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a merchant; the API key in the answer is shown once' })
  @ApiZodBody(createMerchantBody, createMerchantExamples)
  @ApiZodResponse(201, createdMerchantView, 'The merchant and its API key')
  @ApiErrorResponse(400, 'validation_failed', 'malformed_json')
  async create(@Body(new ZodPipe(createMerchantBody)) body: CreateMerchantBody, @AdminActor() actor: string): Promise<CreatedMerchantView> {
    const { merchant, apiKey, defaultReminderBefore } = await this.operators.createMerchant(body, actor);
    return { id: merchant.id, name: merchant.name, timezone: merchant.timezone, defaultReminderBefore, apiKey };
  }

  @Get()
  @ApiOperation({ summary: 'List merchants, newest first, with cursor pagination (the read-only operator may too)' })
  @ApiZodQuery(adminPageQuery)
  @ApiZodResponse(200, adminMerchantPageView, 'One page; follow `nextCursor` for the next')
  @ApiErrorResponse(400, 'invalid_query', 'invalid_cursor')
  list(@Query(new ZodPipe(adminPageQuery, 'invalid_query')) query: AdminPageQuery) {
    return this.operators.listMerchants(query);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Disable a merchant: its keys answer 401 `merchant_disabled` and its sends are held, not lost',
    description:
      'Sends that fall due while it is disabled stay pending (`scheduled`/`queued`); workers do not claim them. ' +
      'Every API process refuses its keys at once, and ends its open event streams within moments. Disabling a disabled merchant changes nothing.',
  })
  @ApiIdParam('merchant')
  @ApiZodResponse(200, adminMerchantView, 'The merchant, now `disabled`')
  @ApiErrorResponse(404, 'merchant_not_found')
  disable(@Param('id', idParam('merchant')) id: string, @AdminActor() actor: string): Promise<AdminMerchantView> {
    return this.operators.disableMerchant(id, actor);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable a merchant again: its keys work, and the sends held while it was disabled go now' })
  @ApiIdParam('merchant')
  @ApiZodResponse(200, adminMerchantView, 'The merchant, now `active`')
  @ApiErrorResponse(404, 'merchant_not_found')
  enable(@Param('id', idParam('merchant')) id: string, @AdminActor() actor: string): Promise<AdminMerchantView> {
    return this.operators.enableMerchant(id, actor);
  }
}
