import { parse } from 'csv-parse/sync';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ORDER_ROW_COLUMNS } from '@herald/persistence';
import { exportFileWithoutCustomer } from './export-file-erasure';
import { writeCsv } from './export-file';

const row = (overrides: Record<string, string | null>) => ORDER_ROW_COLUMNS.map((column) => overrides[column] ?? null);
const cell = (cells: string[], column: string) => cells[ORDER_ROW_COLUMNS.indexOf(column)];

describe('an export file without an erased customer', () => {
  const rows = [
    row({ order_reference: 'A-1', customer_name: 'Zoë, "la" Boulangère', customer_phone: '+33612345678', customer_email: 'zoe@example.com', confirmation_sms_status: 'delivered' }),
    row({ order_reference: 'A-2', customer_name: 'Line\r\nbreak', customer_phone: '+33698765432', pickup_at: '2026-03-29T03:30:00+02:00' }),
    row({ order_reference: '=B-3', customer_name: 'Zoë again', customer_email: 'zoe@example.com', reminder_sms_status: 'cancelled' }),
  ];
  const written = async () => buffer(writeCsv(Readable.from(rows)).stream);

  it('empties the name, phone and email of the customer’s rows only, and keeps every row, status and time', async () => {
    const before = await written();
    const after = await exportFileWithoutCustomer(before, 'orders-2026-11-21.csv', ['A-1', '=B-3']);
    const [header, ...cells]: string[][] = parse(after, { bom: true });
    expect(header).toEqual(ORDER_ROW_COLUMNS);
    expect(cells).toHaveLength(3);
    for (const erased of [cells[0], cells[2]]) {
      expect([cell(erased, 'customer_name'), cell(erased, 'customer_phone'), cell(erased, 'customer_email')]).toEqual(['', '', '']);
    }
    expect(cell(cells[0], 'confirmation_sms_status')).toBe('delivered');
    expect(cell(cells[2], 'reminder_sms_status')).toBe('cancelled');
    expect(cell(cells[2], 'order_reference')).toBe("'=B-3");
    expect(cells[1]).toEqual(parse(before, { bom: true })[2]);
    expect(after.toString()).not.toMatch(/Zoë|zoe@example\.com|\+33612345678/);
  });

  it('writes the other rows byte for byte as they were, with the byte order mark and CRLF lines', async () => {
    const before = await written();
    const after = await exportFileWithoutCustomer(before, 'orders-2026-11-21.csv', ['A-1']);
    expect([...after.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = (text: Buffer) => text.toString('utf8').split('\r\n');
    expect(lines(after).slice(2)).toEqual(lines(before).slice(2));
    expect(lines(after)[0]).toBe(lines(before)[0]);
    // Nothing to erase: the same bytes.
    expect((await exportFileWithoutCustomer(before, 'orders-2026-11-21.csv', ['Z-9'])).equals(before)).toBe(true);
  });

  it('reads and writes a compressed file compressed', async () => {
    const after = await exportFileWithoutCustomer(gzipSync(await written()), 'orders-2026-11-21.csv.gz', ['A-2']);
    const [, , second]: string[][] = parse(gunzipSync(after), { bom: true });
    expect([cell(second, 'order_reference'), cell(second, 'customer_name'), cell(second, 'customer_phone')]).toEqual(['A-2', '', '']);
  });
});
