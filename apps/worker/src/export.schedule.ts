import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { ExportJobs } from '@herald/queues';

/**
 * Keeps the BullMQ job scheduler that ticks the daily export every EXPORT_TICK_EVERY on `bulk` (once per interval
 * across all workers). Each worker re-asserts it on the same interval, so it comes back if Redis lost it.
 */
@Injectable()
export class ExportSchedule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ExportSchedule.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly jobs: ExportJobs,
    @InjectConfig() private readonly config: HeraldConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const everyMs = this.config.exports.tickEveryMs;
    await this.jobs.scheduleTick(everyMs);
    this.timer = setInterval(() => {
      this.jobs.scheduleTick(everyMs).catch((error: Error) => this.logger.warn(`could not refresh the export schedule: ${error.message}`));
    }, everyMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
