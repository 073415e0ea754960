import { Module } from '@nestjs/common';
import { QueuesModule } from '@herald/queues';
import { NotificationsService } from './notifications.service';
import { PendingWorkReconciler } from './pending-work.reconciler';
import { RedriveService } from './redrive.service';
import { ScheduleHorizon } from './schedule-horizon';

@Module({
  imports: [QueuesModule],
  providers: [NotificationsService, RedriveService, PendingWorkReconciler, ScheduleHorizon],
  exports: [NotificationsService, RedriveService, PendingWorkReconciler, ScheduleHorizon],
})
export class NotificationsModule {}
