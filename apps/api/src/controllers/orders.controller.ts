import { Body, Controller, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrdersService } from '@herald/orders';
import type { MerchantEntity } from '@herald/persistence';
import { createOrderBody, CreateOrderBody, updateOrderBody, UpdateOrderBody } from '../dto/order.dto';
import { CurrentMerchant, MerchantAuthGuard } from '../http/merchant-auth.guard';
import { ApiZodBody } from '../http/openapi';
import { ZodPipe } from '../http/zod-body.pipe';
import { idParam } from './id-param';

@ApiTags('orders')
@ApiBearerAuth()
@UseGuards(MerchantAuthGuard)
@Controller('v1/orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Register an order: a confirmation goes now, a reminder before pickup' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiZodBody(createOrderBody)
  create(@CurrentMerchant() merchant: MerchantEntity, @Body(new ZodPipe(createOrderBody)) body: CreateOrderBody) {
    return this.orders.create(merchant, body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'The order with its notifications and their histories' })
  get(@CurrentMerchant() merchant: MerchantEntity, @Param('id', idParam('order')) id: string) {
    return this.orders.get(merchant, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Move the pickup or the reminder lead time; the pending reminder is rescheduled' })
  @ApiZodBody(updateOrderBody)
  update(
    @CurrentMerchant() merchant: MerchantEntity,
    @Param('id', idParam('order')) id: string,
    @Body(new ZodPipe(updateOrderBody)) body: UpdateOrderBody,
  ) {
    return this.orders.update(merchant, id, body);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel the order: its pending notifications are never sent' })
  cancel(@CurrentMerchant() merchant: MerchantEntity, @Param('id', idParam('order')) id: string) {
    return this.orders.cancel(merchant, id);
  }
}
