import { Module } from '@nestjs/common';
import { RedisModule } from '@herald/redis';
import { FrequencyCapCounters } from './frequency-cap-counters.repository';
import { FrequencyCaps } from './frequency-caps.service';

/** Frequency caps on campaign messages, counted in Redis (see FrequencyCaps). */
@Module({
  imports: [RedisModule],
  providers: [FrequencyCapCounters, FrequencyCaps],
  exports: [FrequencyCaps],
})
export class FrequencyCapsModule {}
