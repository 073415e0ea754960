import { Module } from '@nestjs/common';
import { AlertsModule } from '@herald/alerts';
import { ChannelsModule } from '@herald/channels';
import { QueuesModule } from '@herald/queues';
import { ExportFiles } from './export-files.service';
import { ExportJobHandler } from './export-job.handler';
import { ExportRunner } from './export-runner.service';
import { ExportTick } from './export-tick.service';
import { ExportsService } from './exports.service';

/** The merchant's side (the API): settings, days and their ledger, downloads, resends. */
@Module({
  imports: [QueuesModule],
  providers: [ExportFiles, ExportsService],
  exports: [ExportsService],
})
export class ExportsModule {}

/** The workers' side: the tick, and the runs that mail each due day exactly once. */
@Module({
  imports: [QueuesModule, ChannelsModule, AlertsModule],
  providers: [ExportFiles, ExportTick, ExportRunner, ExportJobHandler],
  exports: [ExportJobHandler],
})
export class ExportDeliveryModule {}
