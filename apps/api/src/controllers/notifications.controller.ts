import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotificationsService } from '@herald/notifications';
import type { MerchantEntity } from '@herald/persistence';
import { createNotificationBody, CreateNotificationBody, listNotificationsQuery, ListNotificationsQuery } from '../dto/notification.dto';
import { CurrentMerchant, MerchantAuthGuard } from '../http/merchant-auth.guard';
import { ApiZodBody, ApiZodQuery } from '../http/openapi';
import { ZodPipe } from '../http/zod-body.pipe';
import { idParam } from './id-param';

@ApiTags('notifications')
@ApiBearerAuth()
@UseGuards(MerchantAuthGuard)
@Controller('v1/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Send a one-off SMS or email, now or at sendAt' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiZodBody(createNotificationBody)
  create(@CurrentMerchant() merchant: MerchantEntity, @Body(new ZodPipe(createNotificationBody)) body: CreateNotificationBody) {
    return this.notifications.create(merchant, {
      channel: body.channel,
      to: (body.channel === 'sms' ? body.to.phone : body.to.email)!,
      body: body.body,
      subject: body.subject,
      template: body.template,
      locale: body.locale ?? 'en',
      sendAt: body.sendAt,
      priority: body.priority ?? 'critical',
    });
  }

  @Get()
  @ApiOperation({ summary: 'List notifications, newest first, with cursor pagination' })
  @ApiZodQuery(listNotificationsQuery)
  list(@CurrentMerchant() merchant: MerchantEntity, @Query(new ZodPipe(listNotificationsQuery, 'invalid_query')) query: ListNotificationsQuery) {
    return this.notifications.list(merchant, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A notification with its full status history' })
  get(@CurrentMerchant() merchant: MerchantEntity, @Param('id', idParam('notification')) id: string) {
    return this.notifications.get(merchant, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a notification that has not been sent yet' })
  cancel(@CurrentMerchant() merchant: MerchantEntity, @Param('id', idParam('notification')) id: string) {
    return this.notifications.cancel(merchant, id);
  }
}
