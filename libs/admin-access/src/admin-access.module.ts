import { Module } from '@nestjs/common';
import { RedisModule } from '@herald/redis';
import { AdminAccess } from './admin-access.service';
import { FailedAdminLogins } from './failed-admin-logins.repository';

@Module({ imports: [RedisModule], providers: [FailedAdminLogins, AdminAccess], exports: [AdminAccess] })
export class AdminAccessModule {}
