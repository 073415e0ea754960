import { Injectable } from '@nestjs/common';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { ExportLedgerRepository, ExportSettingsRepository } from '@herald/persistence';
import { ExportJobs } from '@herald/queues';
import { dueDays } from './export-calendar';

/**
 * The periodic look at the calendar: which merchants have an export due that no worker holds (a day whose time has
 * come, a retry whose wait is over, a claim whose worker died), each handed to a worker as one run. It decides
 * nothing about who sends: the ledger's claim does, so any number of ticks may overlap.
 */
@Injectable()
export class ExportTick {
  constructor(
    private readonly settings: ExportSettingsRepository,
    private readonly ledger: ExportLedgerRepository,
    private readonly jobs: ExportJobs,
    @InjectConfig() private readonly config: HeraldConfig,
  ) {}

  async tick(now = new Date()): Promise<{ merchants: number }> {
    const enabled = await this.settings.findEnabled();
    const due = enabled.flatMap((settings) =>
      dueDays(settings, now, this.config.exports.catchUpDays).map((day) => ({ merchantId: settings.merchantId, day })),
    );
    const merchants = await this.ledger.merchantsWithWork(due);
    await this.jobs.requestRuns(merchants, `tick-${now.getTime()}`);
    return { merchants: merchants.length };
  }
}
