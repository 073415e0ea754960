import { Module } from '@nestjs/common';
import { QueuesModule } from '@herald/queues';
import { CustomersService } from './customers.service';
import { FallbackService } from './fallback.service';

/** Customers, their preferences and consent, and the fallback to their other channel. */
@Module({
  imports: [QueuesModule],
  providers: [CustomersService, FallbackService],
  exports: [CustomersService, FallbackService],
})
export class CustomersModule {}
