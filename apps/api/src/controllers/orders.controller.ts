import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { orderPageView, orderView, OrdersService } from '@herald/orders';
import type { MerchantEntity } from '@herald/persistence';
import {
  createOrderBody,
  CreateOrderBody,
  createOrderExamples,
  listOrdersQuery,
  ListOrdersQuery,
  updateOrderBody,
  UpdateOrderBody,
  updateOrderExamples,
} from '../dto/order.dto';
import { IdempotencyKeyGuard } from '../http/idempotency-key.guard';
import { CurrentMerchant, MerchantAuthGuard, TestKey } from '../http/merchant-auth.guard';
import { ApiErrorResponse, ApiIdempotencyKey, ApiIdParam, ApiZodBody, ApiZodQuery, ApiZodResponse } from '../http/openapi';
import { ZodPipe } from '../http/zod-body.pipe';
import { idParam } from './id-param';

@ApiTags('orders')
@ApiBearerAuth()
@ApiErrorResponse(401, 'missing_api_key', 'invalid_api_key', 'merchant_disabled')
@UseGuards(MerchantAuthGuard, IdempotencyKeyGuard)
@Controller('v1/orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Register an order: a confirmation goes now, a reminder before pickup' })
  @ApiIdempotencyKey()
  @ApiZodBody(createOrderBody, createOrderExamples)
  @ApiZodResponse(201, orderView, 'The order with its notifications: per channel, the confirmation (queued) and the reminder')
  @ApiErrorResponse(400, 'validation_failed', 'malformed_json', 'unknown_customer')
  @ApiErrorResponse(409, 'order_reference_taken', 'idempotency_request_in_progress')
  @ApiErrorResponse(422, 'pickup_at_in_past', 'schedule_too_far_ahead', 'channel_recipient_missing', 'idempotency_key_reused')
  create(@CurrentMerchant() merchant: MerchantEntity, @TestKey() test: boolean, @Body(new ZodPipe(createOrderBody)) body: CreateOrderBody) {
    return this.orders.create(merchant, test, body);
  }

  @Get()
  @ApiOperation({
    summary: 'List orders, newest first, with cursor pagination',
    description:
      'Filters combine (all must hold). Ranges include their start and exclude their end. Each order comes with the current status of each of ' +
      'its notifications; GET /v1/orders/{id} has their histories.',
  })
  @ApiZodQuery(listOrdersQuery)
  @ApiZodResponse(200, orderPageView, 'One page; follow `nextCursor` for the next')
  @ApiErrorResponse(400, 'invalid_query', 'invalid_cursor')
  list(@CurrentMerchant() merchant: MerchantEntity, @TestKey() test: boolean, @Query(new ZodPipe(listOrdersQuery, 'invalid_query')) query: ListOrdersQuery) {
    return this.orders.list(merchant, test, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'The order with its notifications and their histories' })
  @ApiIdParam('order')
  @ApiZodResponse(200, orderView, 'The order')
  @ApiErrorResponse(404, 'order_not_found')
  get(@CurrentMerchant() merchant: MerchantEntity, @TestKey() test: boolean, @Param('id', idParam('order')) id: string) {
    return this.orders.get(merchant, test, id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Move the pickup or change the reminder lead time',
    description:
      'Before the reminder has gone out, the same reminder (same notification id) moves to the new time. After it has gone out:\n\n' +
      '- a changed `reminderBefore` alone changes no notification (the order keeps the new lead time, used if the pickup moves later);\n' +
      '- a moved `pickupAt` schedules exactly one new reminder for the new time, linked to the one sent by `previousReminderId`, ' +
      'whose text says the pickup moved (it goes at once if its usual time has already passed). A reminder you cancelled stays cancelled.',
  })
  @ApiIdParam('order')
  @ApiZodBody(updateOrderBody, updateOrderExamples)
  @ApiZodResponse(200, orderView, 'The order as it now is, with its notifications')
  @ApiErrorResponse(400, 'validation_failed', 'malformed_json')
  @ApiErrorResponse(404, 'order_not_found')
  @ApiErrorResponse(409, 'order_cancelled')
  @ApiErrorResponse(422, 'schedule_too_far_ahead')
  update(
    @CurrentMerchant() merchant: MerchantEntity,
    @TestKey() test: boolean,
    @Param('id', idParam('order')) id: string,
    @Body(new ZodPipe(updateOrderBody)) body: UpdateOrderBody,
  ) {
    return this.orders.update(merchant, test, id, body);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel the order: its pending notifications are never sent' })
  @ApiIdParam('order')
  @ApiZodResponse(200, orderView, 'The cancelled order; its pending notifications are `cancelled`')
  @ApiErrorResponse(404, 'order_not_found')
  cancel(@CurrentMerchant() merchant: MerchantEntity, @TestKey() test: boolean, @Param('id', idParam('order')) id: string) {
    return this.orders.cancel(merchant, test, id);
  }
}
