import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { ExportJobs, RetentionJobs } from '@herald/queues';

/**
 * Keeps the BullMQ job schedulers of the periodic work on `bulk`: the daily export's tick every EXPORT_TICK_EVERY and
 * the retention purge's every RETENTION_TICK_EVERY (each once per interval across all workers). Each worker re-asserts
 * them on the same intervals, so they come back if Redis lost them.
 */
@Injectable()
export class BulkSchedules implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(BulkSchedules.name);
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly exports: ExportJobs,
    private readonly retention: RetentionJobs,
    @InjectConfig() private readonly config: HeraldConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.keep('export', this.config.exports.tickEveryMs, (everyMs) => this.exports.scheduleTick(everyMs));
    await this.keep('retention', this.config.retention.tickEveryMs, (everyMs) => this.retention.scheduleTick(everyMs));
  }

  onModuleDestroy(): void {
    for (const timer of this.timers) clearInterval(timer);
  }

  private async keep(name: string, everyMs: number, schedule: (everyMs: number) => Promise<void>): Promise<void> {
    await schedule(everyMs);
    const timer = setInterval(() => {
      schedule(everyMs).catch((error: Error) => this.logger.warn(`could not refresh the ${name} schedule: ${error.message}`));
    }, everyMs);
    timer.unref();
    this.timers.push(timer);
  }
}
