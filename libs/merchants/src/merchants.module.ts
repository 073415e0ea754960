import { Module } from '@nestjs/common';
import { AuditModule } from '@herald/audit';
import { FrequencyCapsModule } from '@herald/frequency-caps';
import { ApiKeysService } from './api-keys.service';
import { MerchantsService } from './merchants.service';

@Module({ imports: [AuditModule, FrequencyCapsModule], providers: [MerchantsService, ApiKeysService], exports: [MerchantsService, ApiKeysService] })
export class MerchantsModule {}
