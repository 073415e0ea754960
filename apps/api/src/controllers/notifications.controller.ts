import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { notificationPageView, NotificationsService, notificationView } from '@herald/notifications';
import type { MerchantEntity } from '@herald/persistence';
import {
  createNotificationBody,
  CreateNotificationBody,
  createNotificationExamples,
  listNotificationsQuery,
  ListNotificationsQuery,
} from '../dto/notification.dto';
import { IdempotencyKeyGuard } from '../http/idempotency-key.guard';
import { CurrentMerchant, MerchantAuthGuard, TestKey } from '../http/merchant-auth.guard';
import { ApiErrorResponse, ApiIdempotencyKey, ApiIdParam, ApiZodBody, ApiZodQuery, ApiZodResponse } from '../http/openapi';
import { ZodPipe } from '../http/zod-body.pipe';
import { idParam } from './id-param';

@ApiTags('notifications')
@ApiBearerAuth()
@ApiErrorResponse(401, 'missing_api_key', 'invalid_api_key', 'merchant_disabled')
@UseGuards(MerchantAuthGuard, IdempotencyKeyGuard)
@Controller('v1/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Send a one-off SMS or email, now or at sendAt' })
  @ApiIdempotencyKey()
  @ApiZodBody(createNotificationBody, createNotificationExamples)
  @ApiZodResponse(201, notificationView, 'The notification: `queued`, or `scheduled` until `sendAt`')
  @ApiErrorResponse(400, 'validation_failed', 'malformed_json')
  @ApiErrorResponse(409, 'idempotency_request_in_progress')
  @ApiErrorResponse(422, 'schedule_too_far_ahead', 'idempotency_key_reused')
  create(@CurrentMerchant() merchant: MerchantEntity, @TestKey() test: boolean, @Body(new ZodPipe(createNotificationBody)) body: CreateNotificationBody) {
    return this.notifications.create(merchant, test, {
      channel: body.channel,
      to: (body.channel === 'email' ? body.to.email : body.to.phone)!,
      body: body.body,
      subject: body.subject,
      template: body.template,
      locale: body.locale,
      sendAt: body.sendAt,
      priority: body.priority ?? 'critical',
    });
  }

  @Get()
  @ApiOperation({ summary: 'List notifications, newest first, with cursor pagination' })
  @ApiZodQuery(listNotificationsQuery)
  @ApiZodResponse(200, notificationPageView, 'One page; follow `nextCursor` for the next')
  @ApiErrorResponse(400, 'invalid_query', 'invalid_cursor')
  list(
    @CurrentMerchant() merchant: MerchantEntity,
    @TestKey() test: boolean,
    @Query(new ZodPipe(listNotificationsQuery, 'invalid_query')) query: ListNotificationsQuery,
  ) {
    return this.notifications.list(merchant, test, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A notification with its full status history' })
  @ApiIdParam('notification')
  @ApiZodResponse(200, notificationView, 'The notification')
  @ApiErrorResponse(404, 'notification_not_found')
  get(@CurrentMerchant() merchant: MerchantEntity, @TestKey() test: boolean, @Param('id', idParam('notification')) id: string) {
    return this.notifications.get(merchant, test, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a notification that has not been sent yet' })
  @ApiIdParam('notification')
  @ApiZodResponse(200, notificationView, 'The notification, now `cancelled`')
  @ApiErrorResponse(404, 'notification_not_found')
  @ApiErrorResponse(409, 'notification_not_cancellable')
  cancel(@CurrentMerchant() merchant: MerchantEntity, @TestKey() test: boolean, @Param('id', idParam('notification')) id: string) {
    return this.notifications.cancel(merchant, test, id);
  }
}
