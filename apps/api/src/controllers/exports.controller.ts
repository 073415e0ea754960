import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, StreamableFile, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CSV_CONTENT_TYPE, ExportsService } from '@herald/exports';
import type { MerchantEntity } from '@herald/persistence';
import {
  exportDay,
  exportDayListResponse,
  exportEntryResponse,
  exportSettingsBody,
  ExportSettingsBody,
  exportSettingsResponse,
  listExportsQuery,
  ListExportsQuery,
} from '../dto/exports.dto';
import { IdempotencyKeyGuard } from '../http/idempotency-key.guard';
import { CurrentMerchant, LiveOnly, MerchantAuthGuard } from '../http/merchant-auth.guard';
import { ApiErrorResponse, ApiIdempotencyKey, ApiZodBody, ApiZodQuery, ApiZodResponse } from '../http/openapi';
import { ZodPipe } from '../http/zod-body.pipe';

const dayParam = new ZodPipe(exportDay, 'invalid_day');

/** The `:day` path parameter: a merchant-local calendar day. */
const ApiDayParam = () =>
  ApiParam({ name: 'day', description: 'A calendar day in the merchant’s time zone, YYYY-MM-DD (anything else answers 400 `invalid_day`).', example: '2026-11-21', schema: { type: 'string', format: 'date', example: '2026-11-21' } });

/** Exports hold live customers' data: a test key reaches none of these routes (its orders are never exported). */
@ApiTags('exports')
@ApiBearerAuth()
@LiveOnly()
@UseGuards(MerchantAuthGuard, IdempotencyKeyGuard)
@ApiErrorResponse(401, 'missing_api_key', 'invalid_api_key', 'merchant_disabled')
@Controller('v1/exports')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Get('settings')
  @ApiOperation({ summary: 'The daily export settings (defaults, exports off, until they are saved)' })
  @ApiZodResponse(200, exportSettingsResponse, 'The settings in force')
  getSettings(@CurrentMerchant() merchant: MerchantEntity) {
    return this.exports.getSettings(merchant);
  }

  @Put('settings')
  @ApiOperation({ summary: 'Set who gets each day’s orders as a CSV, and at what local time the next morning' })
  @ApiZodBody(exportSettingsBody, {
    daily: {
      summary: 'Yesterday’s orders to the back office at 07:00 Paris time',
      value: { enabled: true, recipients: ['backoffice@boulangerie-lune.fr'], localTime: '07:00', timezone: 'Europe/Paris' },
    },
  })
  @ApiZodResponse(200, exportSettingsResponse, 'The settings saved, with the next export')
  @ApiErrorResponse(400, 'validation_failed', 'malformed_json')
  saveSettings(@CurrentMerchant() merchant: MerchantEntity, @Body(new ZodPipe(exportSettingsBody)) body: ExportSettingsBody) {
    return this.exports.saveSettings(merchant, body);
  }

  @Get()
  @ApiOperation({ summary: 'Days, newest first, with where each export stands in the ledger' })
  @ApiZodQuery(listExportsQuery)
  @ApiZodResponse(200, exportDayListResponse, 'A page of days')
  @ApiErrorResponse(400, 'invalid_query')
  list(@CurrentMerchant() merchant: MerchantEntity, @Query(new ZodPipe(listExportsQuery, 'invalid_query')) query: ListExportsQuery) {
    return this.exports.list(merchant, query);
  }

  @Get(':day.csv')
  @ApiOperation({ summary: 'A day’s orders as the CSV the export mails (today’s: the orders so far)' })
  @ApiDayParam()
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'RFC 4180 CSV, UTF-8 with a byte order mark, one row per order', content: { 'text/csv': { schema: { type: 'string' } } } })
  @ApiErrorResponse(400, 'invalid_day')
  @ApiErrorResponse(422, 'day_in_future')
  async download(@CurrentMerchant() merchant: MerchantEntity, @Param('day', dayParam) day: string) {
    const file = await this.exports.download(merchant, day);
    return new StreamableFile(file.stream, { type: CSV_CONTENT_TYPE, disposition: `attachment; filename="${file.filename}"` });
  }

  @Post(':day/resend')
  @HttpCode(202)
  @ApiOperation({ summary: 'Mail a past day’s file again: a ledger entry of its own, never the automatic one' })
  @ApiDayParam()
  @ApiIdempotencyKey()
  @ApiZodResponse(202, exportEntryResponse, 'The new `resend` entry; a worker mails it at once')
  @ApiErrorResponse(400, 'invalid_day')
  @ApiErrorResponse(422, 'export_settings_missing', 'day_not_over')
  resend(@CurrentMerchant() merchant: MerchantEntity, @Param('day', dayParam) day: string) {
    return this.exports.resend(merchant, day);
  }
}
