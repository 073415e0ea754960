import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErasuresService, erasureView } from '@herald/erasure';
import type { MerchantEntity } from '@herald/persistence';
import { CurrentMerchant, MerchantAuthGuard, TestKey } from '../http/merchant-auth.guard';
import { ApiErrorResponse, ApiIdParam, ApiZodResponse } from '../http/openapi';
import { idParam } from './id-param';

/** Erasures of customers' personal data (asked for with DELETE /v1/customers/{id}) and how far each has got. */
@ApiTags('customers')
@ApiBearerAuth()
@ApiErrorResponse(401, 'missing_api_key', 'invalid_api_key', 'merchant_disabled')
@UseGuards(MerchantAuthGuard)
@Controller('v1/erasures')
export class ErasuresController {
  constructor(private readonly erasures: ErasuresService) {}

  @Get(':id')
  @ApiOperation({ summary: 'An erasure: whether it has completed, and what it erased' })
  @ApiIdParam('erasure')
  @ApiZodResponse(200, erasureView, 'The erasure')
  @ApiErrorResponse(404, 'erasure_not_found')
  get(@CurrentMerchant() merchant: MerchantEntity, @TestKey() test: boolean, @Param('id', idParam('erasure')) id: string) {
    return this.erasures.get(merchant, test, id);
  }
}
