import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { RetentionRepository } from '@herald/persistence';
import { RetentionJobs } from '@herald/queues';
import { PROCESS_ID } from '@herald/runtime';

/** The UTC day `now` falls on: the purge runs once per UTC day. */
export const purgeDay = (now: Date) => now.toISOString().slice(0, 10);

/**
 * The periodic look at the day's purge, as the export's tick looks at its days: if today's run has not begun, or its
 * worker died (its lease ran out), this worker claims it in the ledger and queues its first slice. Any number of ticks
 * may overlap: the claim decides, so the run happens once a day across all workers.
 */
@Injectable()
export class RetentionTick {
  private readonly logger = new Logger(RetentionTick.name);

  constructor(
    private readonly runs: RetentionRepository,
    private readonly jobs: RetentionJobs,
    @InjectConfig() private readonly config: HeraldConfig,
  ) {}

  async tick(now = new Date()): Promise<{ started: boolean }> {
    const day = purgeDay(now);
    const run = await this.runs.claimRun(day, { claimId: randomUUID(), worker: PROCESS_ID, leaseMs: this.config.retention.leaseMs });
    if (!run) return { started: false };
    if (run.attempts > 1) this.logger.warn({ msg: 'retention purge taken over: its worker stopped before the end', day, claims: run.attempts, position: run.position });
    else this.logger.log({ msg: 'retention purge started', day });
    await this.jobs.requestSlice({ day, claimId: run.claimId, slice: run.slice });
    return { started: true };
  }
}
