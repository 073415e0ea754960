import { Body, Controller, Get, Patch, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { merchantView, MerchantsService } from '@herald/merchants';
import type { MerchantEntity } from '@herald/persistence';
import { MERCHANT_SETTING_CODES, updateMerchantBody, UpdateMerchantBody, updateMerchantExamples } from '../dto/merchant.dto';
import { CurrentMerchant, LiveOnly, MerchantAuthGuard } from '../http/merchant-auth.guard';
import { ApiErrorResponse, ApiZodBody, ApiZodResponse } from '../http/openapi';
import { ZodPipe } from '../http/zod-body.pipe';

/** The calling merchant's own settings: the API key says whose. */
@ApiTags('merchant')
@ApiBearerAuth()
@ApiErrorResponse(401, 'missing_api_key', 'invalid_api_key', 'merchant_disabled')
@UseGuards(MerchantAuthGuard)
@Controller('v1/merchant')
export class MerchantController {
  constructor(private readonly merchants: MerchantsService) {}

  @Get()
  @ApiOperation({ summary: 'Your settings: time zone, language, quiet hours, reminder policy, senders, retention, frequency caps' })
  @ApiZodResponse(200, merchantView, 'Your settings')
  get(@CurrentMerchant() merchant: MerchantEntity) {
    return this.merchants.settings(merchant);
  }

  @Patch()
  @LiveOnly()
  @ApiOperation({
    summary: 'Change your settings',
    description:
      'Orders created from now on follow the new settings. **A new `reminderPolicy` does not move reminders already scheduled**: each order ' +
      'keeps the policy it was planned with (a PATCH of the order moves its reminder by that policy, under your current quiet hours), and ' +
      'an order’s own `reminderBefore` still wins over your policy. A shorter `retention` applies from the next daily purge. Every API ' +
      'process sees a change at once.',
  })
  @ApiZodBody(updateMerchantBody, updateMerchantExamples)
  @ApiZodResponse(200, merchantView, 'Your settings as they now are')
  @ApiErrorResponse(400, 'validation_failed', 'invalid_timezone', 'invalid_quiet_hours', 'invalid_reminder_policy', 'invalid_retention', 'invalid_frequency_caps', 'malformed_json')
  @ApiErrorResponse(409, 'sms_sender_taken')
  @ApiErrorResponse(422, 'retention_out_of_range', 'retention_above_maximum', 'sms_sender_required')
  update(@CurrentMerchant() merchant: MerchantEntity, @Body(new ZodPipe(updateMerchantBody, 'validation_failed', MERCHANT_SETTING_CODES)) body: UpdateMerchantBody) {
    return this.merchants.updateSettings(merchant, body);
  }
}
