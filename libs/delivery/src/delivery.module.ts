import { Module } from '@nestjs/common';
import { AlertsModule } from '@herald/alerts';
import { ChannelsModule } from '@herald/channels';
import { CustomersModule } from '@herald/customers';
import { NotificationsModule } from '@herald/notifications';
import { QueuesModule } from '@herald/queues';
import { SmsRoutingModule } from '@herald/sms-routing';
import { TemplatesModule } from '@herald/templates';
import { DeadLetterHandler } from './dead-letter.handler';
import { DeliveryService } from './delivery.service';
import { SendJobHandler } from './send-job.handler';

@Module({
  imports: [QueuesModule, ChannelsModule, SmsRoutingModule, AlertsModule, NotificationsModule, TemplatesModule, CustomersModule],
  providers: [DeliveryService, SendJobHandler, DeadLetterHandler],
  exports: [SendJobHandler, DeadLetterHandler],
})
export class DeliveryModule {}
