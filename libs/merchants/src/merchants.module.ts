import { Module } from '@nestjs/common';
import { AuditModule } from '@herald/audit';
import { EventsModule } from '@herald/events';
import { FrequencyCapsModule } from '@herald/frequency-caps';
import { ApiKeyCache } from './api-key-cache';
import { ApiKeysService } from './api-keys.service';
import { MerchantsService } from './merchants.service';

@Module({
  imports: [AuditModule, EventsModule, FrequencyCapsModule],
  providers: [MerchantsService, ApiKeysService, ApiKeyCache],
  exports: [MerchantsService, ApiKeysService],
})
export class MerchantsModule {}
