import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, StreamableFile, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CSV_CONTENT_TYPE, ExportsService } from '@herald/exports';
import type { MerchantEntity } from '@herald/persistence';
import { exportDay, exportSettingsBody, ExportSettingsBody, listExportsQuery, ListExportsQuery } from '../dto/exports.dto';
import { CurrentMerchant, MerchantAuthGuard } from '../http/merchant-auth.guard';
import { ApiZodBody, ApiZodQuery } from '../http/openapi';
import { ZodPipe } from '../http/zod-body.pipe';

const dayParam = new ZodPipe(exportDay, 'invalid_day');

@ApiTags('exports')
@ApiBearerAuth()
@UseGuards(MerchantAuthGuard)
@Controller('v1/exports')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Get('settings')
  @ApiOperation({ summary: 'The daily export settings (defaults, exports off, until they are saved)' })
  getSettings(@CurrentMerchant() merchant: MerchantEntity) {
    return this.exports.getSettings(merchant);
  }

  @Put('settings')
  @ApiOperation({ summary: 'Set who gets each day’s orders as a CSV, and at what local time the next morning' })
  @ApiZodBody(exportSettingsBody)
  saveSettings(@CurrentMerchant() merchant: MerchantEntity, @Body(new ZodPipe(exportSettingsBody)) body: ExportSettingsBody) {
    return this.exports.saveSettings(merchant, body);
  }

  @Get()
  @ApiOperation({ summary: 'Days, newest first, with where each export stands in the ledger' })
  @ApiZodQuery(listExportsQuery)
  list(@CurrentMerchant() merchant: MerchantEntity, @Query(new ZodPipe(listExportsQuery, 'invalid_query')) query: ListExportsQuery) {
    return this.exports.list(merchant, query);
  }

  @Get(':day.csv')
  @ApiOperation({ summary: 'A day’s orders as the CSV the export mails (today’s: the orders so far)' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'RFC 4180 CSV, UTF-8 with a byte order mark, one row per order', content: { 'text/csv': { schema: { type: 'string' } } } })
  async download(@CurrentMerchant() merchant: MerchantEntity, @Param('day', dayParam) day: string) {
    const file = await this.exports.download(merchant, day);
    return new StreamableFile(file.stream, { type: CSV_CONTENT_TYPE, disposition: `attachment; filename="${file.filename}"` });
  }

  @Post(':day/resend')
  @HttpCode(202)
  @ApiOperation({ summary: 'Mail a past day’s file again: a ledger entry of its own, never the automatic one' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  resend(@CurrentMerchant() merchant: MerchantEntity, @Param('day', dayParam) day: string) {
    return this.exports.resend(merchant, day);
  }
}
