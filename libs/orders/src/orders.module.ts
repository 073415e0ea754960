import { Module } from '@nestjs/common';
import { CustomersModule } from '@herald/customers';
import { NotificationsModule } from '@herald/notifications';
import { QueuesModule } from '@herald/queues';
import { OrdersService } from './orders.service';

@Module({
  imports: [QueuesModule, NotificationsModule, CustomersModule],
  providers: [OrdersService],
  exports: [OrdersService],
})
export class OrdersModule {}
