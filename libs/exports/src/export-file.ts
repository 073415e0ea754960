import { stringify } from 'csv-stringify';
import { pipeline, Readable, Transform } from 'node:stream';
import { ORDER_ROW_COLUMNS } from '@herald/persistence';
import { neutraliseFormula } from './formula-guard';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

export const exportFileName = (day: string) => `orders-${day}.csv`;

/** A day's CSV as it is written; `rowCount` is the number of order rows written so far. */
export interface CsvFile {
  stream: Readable;
  rowCount(): number;
}

/**
 * Writes order rows (ORDER_ROW_COLUMNS, one per order) as the export file: RFC 4180 (CRLF line ends, quotes where
 * needed), UTF-8 with a byte order mark so spreadsheets read accents right, a header line, and every cell that a
 * spreadsheet would run as a formula neutralised. It streams: one row in, one line out. An error or an early
 * close on either side ends both, so the rows' cursor is never left open.
 */
export function writeCsv(rows: Readable): CsvFile {
  const csv = stringify({
    bom: true,
    header: true,
    columns: ORDER_ROW_COLUMNS,
    record_delimiter: 'windows',
    cast: { string: neutraliseFormula },
  });
  let written = 0;
  const counted = new Transform({
    objectMode: true,
    transform(row, _encoding, next) {
      written += 1;
      next(null, row);
    },
  });
  const stream = pipeline(rows, counted, csv, () => undefined);
  return { stream, rowCount: () => written };
}
