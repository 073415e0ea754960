import { Module } from '@nestjs/common';
import { AuditModule } from '@herald/audit';
import { MerchantsModule } from '@herald/merchants';
import { NotificationsModule } from '@herald/notifications';
import { QueuesModule } from '@herald/queues';
import { OperatorsService } from './operators.service';

@Module({ imports: [AuditModule, MerchantsModule, NotificationsModule, QueuesModule], providers: [OperatorsService], exports: [OperatorsService] })
export class OperatorsModule {}
