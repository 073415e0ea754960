import { Module } from '@nestjs/common';
import { QueuesModule } from '@herald/queues';
import { NotificationsService } from './notifications.service';
import { PendingWorkReconciler } from './pending-work.reconciler';
import { RedriveService } from './redrive.service';

@Module({
  imports: [QueuesModule],
  providers: [NotificationsService, RedriveService, PendingWorkReconciler],
  exports: [NotificationsService, RedriveService, PendingWorkReconciler],
})
export class NotificationsModule {}
