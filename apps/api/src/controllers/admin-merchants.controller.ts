import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { MerchantsService } from '@herald/merchants';
import { createMerchantBody, CreateMerchantBody } from '../dto/merchant.dto';
import { AdminAuthGuard } from '../http/admin-auth.guard';
import { ApiZodBody } from '../http/openapi';
import { ZodPipe } from '../http/zod-body.pipe';

@ApiTags('admin')
@ApiBasicAuth()
@UseGuards(ThrottlerGuard, AdminAuthGuard)
@Controller('admin/merchants')
export class AdminMerchantsController {
  constructor(private readonly merchants: MerchantsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a merchant; the API key in the answer is shown once' })
  @ApiZodBody(createMerchantBody)
  async create(@Body(new ZodPipe(createMerchantBody)) body: CreateMerchantBody) {
    const { merchant, apiKey } = await this.merchants.create(body);
    return {
      id: merchant.id,
      name: merchant.name,
      timezone: merchant.timezone,
      defaultReminderBefore: merchant.defaultReminderBefore,
      apiKey,
    };
  }
}
