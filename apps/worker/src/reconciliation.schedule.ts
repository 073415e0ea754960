import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { PendingWorkReconciler } from '@herald/notifications';
import { NotificationJobs } from '@herald/queues';

/**
 * Rebuilds Redis from Postgres when a worker boots, then keeps a BullMQ job scheduler that runs the reconciliation
 * once per interval across all workers. Each worker re-asserts that scheduler on the same interval, so it comes
 * back even if Redis lost it while the workers kept running.
 */
@Injectable()
export class ReconciliationSchedule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReconciliationSchedule.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly reconciler: PendingWorkReconciler,
    private readonly jobs: NotificationJobs,
    @InjectConfig() private readonly config: HeraldConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const result = await this.reconciler.reconcile();
    this.logger.log({ msg: 'boot reconciliation done', ...result });
    await this.jobs.scheduleReconciliation(this.config.reconcileEveryMs);
    this.timer = setInterval(() => {
      this.jobs.scheduleReconciliation(this.config.reconcileEveryMs).catch((error: Error) => this.logger.warn(`could not refresh the reconciliation schedule: ${error.message}`));
    }, this.config.reconcileEveryMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
