import { Module } from '@nestjs/common';
import { NotificationsModule } from '@herald/notifications';
import { QueuesModule } from '@herald/queues';
import { OrdersService } from './orders.service';

@Module({
  imports: [QueuesModule, NotificationsModule],
  providers: [OrdersService],
  exports: [OrdersService],
})
export class OrdersModule {}
