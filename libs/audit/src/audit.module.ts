import { Module } from '@nestjs/common';
import { AuditLog } from './audit-log.service';

/** The audit log; needs PersistenceModule (global) in the application. */
@Module({ providers: [AuditLog], exports: [AuditLog] })
export class AuditModule {}
