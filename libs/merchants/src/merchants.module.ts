import { Module } from '@nestjs/common';
import { ApiKeysService } from './api-keys.service';
import { MerchantsService } from './merchants.service';

@Module({ providers: [MerchantsService, ApiKeysService], exports: [MerchantsService, ApiKeysService] })
export class MerchantsModule {}
