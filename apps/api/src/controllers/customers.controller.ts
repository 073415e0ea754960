import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { customerPageView, CustomersService, customerView } from '@herald/customers';
import { erasureAcceptedView, ErasuresService } from '@herald/erasure';
import type { MerchantEntity } from '@herald/persistence';
import {
  createCustomerBody,
  CreateCustomerBody,
  createCustomerExamples,
  CUSTOMER_FIELD_CODES,
  listCustomersQuery,
  ListCustomersQuery,
  updateCustomerBody,
  UpdateCustomerBody,
  updateCustomerExamples,
} from '../dto/customer.dto';
import { IdempotencyKeyGuard } from '../http/idempotency-key.guard';
import { CurrentMerchant, MerchantAuthGuard, TestKey } from '../http/merchant-auth.guard';
import { ApiErrorResponse, ApiIdempotencyKey, ApiIdParam, ApiZodBody, ApiZodQuery, ApiZodResponse } from '../http/openapi';
import { ZodPipe } from '../http/zod-body.pipe';
import { idParam } from './id-param';

/** Your customers (created ahead with POST, or by their first order): their contacts, preferred channel, language and consent. */
@ApiTags('customers')
@ApiBearerAuth()
@ApiErrorResponse(401, 'missing_api_key', 'invalid_api_key', 'merchant_disabled')
@UseGuards(MerchantAuthGuard, IdempotencyKeyGuard)
@Controller('v1/customers')
export class CustomersController {
  constructor(
    private readonly customers: CustomersService,
    private readonly erasures: ErasuresService,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a customer ahead of any order',
    description: 'Orders then name it by `customerId`, or by the same contacts. A phone or email another of your customers has is refused, never merged.',
  })
  @ApiIdempotencyKey()
  @ApiZodBody(createCustomerBody, createCustomerExamples)
  @ApiZodResponse(201, customerView, 'The customer')
  @ApiErrorResponse(400, 'validation_failed', 'invalid_preferred_channel', 'malformed_json')
  @ApiErrorResponse(409, 'customer_contact_taken', 'idempotency_request_in_progress')
  @ApiErrorResponse(422, 'channel_recipient_missing', 'idempotency_key_reused')
  create(
    @CurrentMerchant() merchant: MerchantEntity,
    @TestKey() test: boolean,
    @Body(new ZodPipe(createCustomerBody, 'validation_failed', CUSTOMER_FIELD_CODES)) body: CreateCustomerBody,
  ) {
    return this.customers.create(merchant, test, body);
  }

  @Get()
  @ApiOperation({
    summary: 'List customers, newest first, with cursor pagination',
    description: 'Filters combine (all must hold); `createdFrom` is included, `createdTo` excluded.',
  })
  @ApiZodQuery(listCustomersQuery)
  @ApiZodResponse(200, customerPageView, 'One page; follow `nextCursor` for the next')
  @ApiErrorResponse(400, 'invalid_query', 'invalid_cursor')
  list(
    @CurrentMerchant() merchant: MerchantEntity,
    @TestKey() test: boolean,
    @Query(new ZodPipe(listCustomersQuery, 'invalid_query')) query: ListCustomersQuery,
  ) {
    return this.customers.list(merchant, test, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A customer: contacts, language, preferred channel and consent per channel' })
  @ApiIdParam('customer')
  @ApiZodResponse(200, customerView, 'The customer')
  @ApiErrorResponse(404, 'customer_not_found')
  get(@CurrentMerchant() merchant: MerchantEntity, @TestKey() test: boolean, @Param('id', idParam('customer')) id: string) {
    return this.customers.get(merchant, test, id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a customer’s name, phone, email, preferred channel, language or consent',
    description:
      'Messages not yet sent follow the change: they go to a new phone or email, and a message on a withdrawn channel is `skipped` ' +
      '(`opted_out`), and when the other channel is known and consented a fallback goes there instead, linked by `fallbackForId` / `fallbackId`. ' +
      'A phone or email another of your customers has answers 409 `customer_contact_taken` and changes nothing: customers are never merged. ' +
      'Your own withdrawal of a channel moves to the new contact; the customer’s own STOP or unsubscribe stays with the old one.',
  })
  @ApiIdParam('customer')
  @ApiZodBody(updateCustomerBody, updateCustomerExamples)
  @ApiZodResponse(200, customerView, 'The customer as it now is')
  @ApiErrorResponse(400, 'validation_failed', 'invalid_preferred_channel', 'malformed_json')
  @ApiErrorResponse(404, 'customer_not_found')
  @ApiErrorResponse(409, 'opted_out_by_customer', 'customer_contact_taken')
  @ApiErrorResponse(422, 'channel_recipient_missing')
  update(
    @CurrentMerchant() merchant: MerchantEntity,
    @TestKey() test: boolean,
    @Param('id', idParam('customer')) id: string,
    @Body(new ZodPipe(updateCustomerBody, 'validation_failed', CUSTOMER_FIELD_CODES)) body: UpdateCustomerBody,
  ) {
    return this.customers.update(merchant, test, id, body);
  }

  @Delete(':id')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Erase a customer’s personal data, everywhere Herald keeps it',
    description:
      'Answers at once: the customer is no longer found (404 `customer_not_found` from then on; orders naming it by `customerId` answer 400 ' +
      '`unknown_customer`, and an order with the same contacts makes a new customer), and a worker erases its name and contacts from ' +
      'the customer, its orders and notifications (recipient, text, provider errors), their history and your event feed, webhook ' +
      'deliveries not yet made, stored Idempotency-Key answers and the export files already written. Its pending notifications are ' +
      'cancelled first (`statusReason` `customer_erased`). Counts, statuses and timestamps stay. Its opt-outs stay in force, kept as a ' +
      'keyed hash of the number or address: a STOP still stops a later order’s SMS to that number. Follow it with GET /v1/erasures/{id} ' +
      '(also in `Location`). Asking again answers the same erasure (and resumes it if it `failed`).',
  })
  @ApiIdParam('customer')
  @ApiZodResponse(202, erasureAcceptedView, 'The erasure, `requested` (or the one already asked for)', {
    Location: { description: 'Where to follow it: /v1/erasures/{id}.', schema: { type: 'string', example: '/v1/erasures/7c1e5a3b-9d2f-4b6e-8a0c-3f5d7b9e1a2c' } },
  })
  @ApiErrorResponse(404, 'customer_not_found')
  async erase(
    @CurrentMerchant() merchant: MerchantEntity,
    @TestKey() test: boolean,
    @Param('id', idParam('customer')) id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    const erasure = await this.erasures.request(merchant, test, id);
    response.location(`/v1/erasures/${erasure.id}`);
    return erasure;
  }
}
