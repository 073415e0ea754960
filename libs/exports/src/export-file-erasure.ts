import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { Readable, Transform } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { neutraliseFormula } from './formula-guard';

/** The cells of an export row that say who its customer is. */
const CUSTOMER_CELLS = ['customer_name', 'customer_phone', 'customer_email'];

/**
 * An export file already written (`orders-<day>.csv`, or its `.csv.gz`) without the customer of these orders: their
 * rows keep the reference, the times and every status, and the customer's name, phone and email cells are emptied.
 * The header, the other rows and the byte order mark come out as they went in, so the file still counts every order of
 * its day. Rows are streamed through, one at a time.
 */
export async function exportFileWithoutCustomer(file: Buffer, fileName: string, references: readonly string[]): Promise<Buffer> {
  // The file holds references as written out: one a spreadsheet would run as a formula starts with `'`.
  const erased = new Set(references.map(neutraliseFormula));
  let blanked: number[] | null = null;
  const eraseRows = new Transform({
    objectMode: true,
    transform(cells: string[], _encoding, next) {
      if (!blanked) {
        blanked = CUSTOMER_CELLS.map((name) => cells.indexOf(name)).filter((index) => index >= 0);
        return next(null, cells);
      }
      next(null, erased.has(cells[0]) ? cells.map((cell, index) => (blanked!.includes(index) ? '' : cell)) : cells);
    },
  });
  const compressed = fileName.endsWith('.gz');
  const stages = [
    Readable.from([file]),
    ...(compressed ? [createGunzip()] : []),
    parse({ bom: true, relax_column_count: true }),
    eraseRows,
    stringify({ bom: true, record_delimiter: 'windows' }),
    ...(compressed ? [createGzip()] : []),
  ];
  const output: Promise<Buffer> = buffer(stages[stages.length - 1] as Readable);
  await pipeline(stages as unknown as [Readable, ...Transform[]]);
  return output;
}
