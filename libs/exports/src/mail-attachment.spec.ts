import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { AttachmentTooLarge, packAttachment } from './mail-attachment';

const lines = (count: number) => Array.from({ length: count }, (_, i) => Buffer.from(`A-${i},Ada Lovelace,+33612345678,2026-11-21T10:00:00+01:00\r\n`));

describe('packing the CSV for a mail', () => {
  it('attaches a small file as it is', async () => {
    const packed = await packAttachment(Readable.from(lines(10)), 'orders-2026-11-21.csv', { plainBytes: 10_000, compressedBytes: 10_000 });
    expect(packed.compressed).toBe(false);
    expect(packed.attachment).toMatchObject({ filename: 'orders-2026-11-21.csv', contentType: 'text/csv; charset=utf-8' });
    expect(packed.attachment.content.equals(Buffer.concat(lines(10)))).toBe(true);
    expect(packed.csvBytes).toBe(Buffer.concat(lines(10)).length);
  });

  it('compresses a file past the plain limit, losing nothing', async () => {
    const packed = await packAttachment(Readable.from(lines(5000)), 'orders-2026-11-21.csv', { plainBytes: 10_000, compressedBytes: 100_000 });
    expect(packed.compressed).toBe(true);
    expect(packed.attachment).toMatchObject({ filename: 'orders-2026-11-21.csv.gz', contentType: 'application/gzip' });
    expect(gunzipSync(packed.attachment.content).equals(Buffer.concat(lines(5000)))).toBe(true);
    expect(packed.attachment.content.length).toBeLessThan(packed.csvBytes / 5);
  });

  it('gives up, and stops reading, when even the compressed file is too large', async () => {
    let read = 0;
    const random = Readable.from(
      (function* () {
        for (; read < 10_000; read += 1) yield Buffer.from(`${Math.random().toString(36)}${Math.random().toString(36)}\r\n`);
      })(),
    );
    await expect(packAttachment(random, 'orders.csv', { plainBytes: 1000, compressedBytes: 20_000 })).rejects.toBeInstanceOf(AttachmentTooLarge);
    expect(read).toBeLessThan(10_000);
    expect(random.destroyed).toBe(true);
  });
});
