import { Module } from '@nestjs/common';
import { QueuesModule } from '@herald/queues';
import { NotificationsService } from './notifications.service';

@Module({
  imports: [QueuesModule],
  providers: [NotificationsService],
  exports: [NotificationsService],
})
export class NotificationsModule {}
