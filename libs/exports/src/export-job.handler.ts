import { Injectable } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { EXPORT_RUN_JOB, EXPORT_TICK_JOB, exportRunPayload } from '@herald/queues';
import { ExportRunner } from './export-runner.service';
import { ExportTick } from './export-tick.service';

const EXPORT_JOB_NAMES: ReadonlySet<string> = new Set([EXPORT_TICK_JOB, EXPORT_RUN_JOB]);

/** Translates between BullMQ and the export rules: which jobs are exports, payload validation. */
@Injectable()
export class ExportJobHandler {
  constructor(
    private readonly tick: ExportTick,
    private readonly runner: ExportRunner,
  ) {}

  handles(job: Job): boolean {
    return EXPORT_JOB_NAMES.has(job.name);
  }

  async handle(job: Job): Promise<unknown> {
    if (job.name === EXPORT_TICK_JOB) return this.tick.tick();
    const payload = exportRunPayload.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`malformed export job: ${payload.error.issues.map((i) => i.message).join('; ')}`);
    return this.runner.run(payload.data.merchantId);
  }
}
