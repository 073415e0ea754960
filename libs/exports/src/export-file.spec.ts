import { parse } from 'csv-parse/sync';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { ORDER_ROW_COLUMNS } from '@herald/persistence';
import { writeCsv } from './export-file';

const row = (overrides: Record<string, string | null>) => ORDER_ROW_COLUMNS.map((column) => overrides[column] ?? null);

describe('the export file', () => {
  it('is UTF-8 with a BOM, a header and CRLF lines, and parses back into the same rows', async () => {
    const rows = [
      row({ order_reference: 'A-1', customer_name: 'Zoë, "la" Boulangère', customer_phone: '+33612345678', pickup_at: '2026-03-29T03:30:00+02:00' }),
      row({ order_reference: 'A-2', customer_name: 'Line\r\nbreak', customer_email: 'ada@example.com', confirmation_sms_status: 'delivered' }),
    ];
    const file = writeCsv(Readable.from(rows));
    const bytes = await buffer(file.stream);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const content = bytes.subarray(3).toString('utf8');
    expect(content.startsWith(`${ORDER_ROW_COLUMNS.join(',')}\r\n`)).toBe(true);
    expect(content.endsWith('\r\n')).toBe(true);
    const parsed: string[][] = parse(content, { relax_column_count: false });
    expect(parsed[0]).toEqual(ORDER_ROW_COLUMNS);
    expect(parsed.slice(1)).toEqual(rows.map((r) => r.map((cell) => cell ?? '')));
    expect(file.rowCount()).toBe(2);
  });

  it('neutralises formulas but keeps phone numbers readable', async () => {
    const file = writeCsv(Readable.from([row({ order_reference: '=1+1', customer_name: '@evil', customer_phone: '+33612345678' })]));
    const [, cells]: string[][] = parse(await buffer(file.stream), { bom: true });
    expect(cells.slice(0, 5)).toEqual(["'=1+1", '', '', "'@evil", '+33612345678']);
  });

  it('is only a header for a day without orders', async () => {
    const file = writeCsv(Readable.from([]));
    expect((await buffer(file.stream)).toString('utf8')).toBe(`\uFEFF${ORDER_ROW_COLUMNS.join(',')}\r\n`);
    expect(file.rowCount()).toBe(0);
  });

  it('closes the rows when the reader goes away', async () => {
    const rows = new Readable({ objectMode: true, read() {} });
    rows.push(row({ order_reference: 'A-1' }));
    const file = writeCsv(rows);
    file.stream.destroy();
    await new Promise((resolve) => rows.once('close', resolve));
    expect(rows.destroyed).toBe(true);
  });
});
