import { Injectable } from '@nestjs/common';
import { ExportRowsRepository } from '@herald/persistence';
import { dayBounds } from './export-calendar';
import { CsvFile, exportFileName, writeCsv } from './export-file';

/** A day's export file, the same whether it is mailed by a worker or downloaded through the API. */
@Injectable()
export class ExportFiles {
  constructor(private readonly rows: ExportRowsRepository) {}

  /** The CSV of the merchant's orders created on `day` (a calendar day in `zone`), streamed from Postgres. */
  async open(merchantId: string, day: string, zone: string): Promise<CsvFile & { filename: string }> {
    const { from, to } = dayBounds(day, zone);
    const rows = await this.rows.streamDayOrders({ merchantId, from, to, zone });
    return { filename: exportFileName(day), ...writeCsv(rows) };
  }
}
