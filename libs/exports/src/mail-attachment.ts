import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { MailAttachment } from '@herald/channels';
import { CSV_CONTENT_TYPE } from './export-file';

export interface AttachmentLimits {
  /** Up to this size the CSV is attached as it is. */
  plainBytes: number;
  /** Past `plainBytes` it is gzip-compressed, and must then fit in this many bytes. */
  compressedBytes: number;
}

/**
 * SendGrid takes at most 30 MB per message, base64 included (4/3 of the files), and many mailboxes refuse more than
 * 25 MB: a CSV up to 10 MiB goes as it is (≈ 40,000 orders); a larger one goes gzip-compressed (about a tenth of the
 * size, so ≈ 500,000 orders still fit).
 */
export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = { plainBytes: 10 * 2 ** 20, compressedBytes: 18 * 2 ** 20 };

export class AttachmentTooLarge extends Error {
  readonly code = 'attachment_too_large';

  constructor(limit: number) {
    super(`the file is larger than ${Math.round(limit / 2 ** 20)} MiB even compressed: download it from GET /v1/exports/:day.csv instead`);
    this.name = 'AttachmentTooLarge';
  }
}

/** What goes into the mail, and the size of the CSV itself. */
export interface PackedFile {
  attachment: MailAttachment;
  csvBytes: number;
  compressed: boolean;
}

/**
 * Reads the CSV into a mail attachment. Memory stays bounded by the limits: the CSV is held as it is only while it is
 * small; once it outgrows `plainBytes`, what was read and everything after goes through gzip, and reading stops as
 * soon as the compressed file is over `compressedBytes` (the source is then destroyed, closing its cursor).
 */
export async function packAttachment(csv: AsyncIterable<Buffer | string>, filename: string, limits = DEFAULT_ATTACHMENT_LIMITS): Promise<PackedFile> {
  const plain: Buffer[] = [];
  const compressed: Buffer[] = [];
  let csvBytes = 0;
  let compressedBytes = 0;
  let gzip: ReturnType<typeof createGzip> | null = null;
  const checkCompressedSize = () => {
    if (compressedBytes > limits.compressedBytes) throw new AttachmentTooLarge(limits.compressedBytes);
  };
  for await (const chunk of csv) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    csvBytes += bytes.length;
    if (!gzip && csvBytes > limits.plainBytes) {
      gzip = createGzip();
      gzip.on('data', (piece: Buffer) => {
        compressed.push(piece);
        compressedBytes += piece.length;
      });
      for (const piece of plain.splice(0)) gzip.write(piece);
    }
    if (!gzip) {
      plain.push(bytes);
      continue;
    }
    if (!gzip.write(bytes)) await once(gzip, 'drain');
    checkCompressedSize();
  }
  if (!gzip) return { attachment: { filename, contentType: CSV_CONTENT_TYPE, content: Buffer.concat(plain) }, csvBytes, compressed: false };
  gzip.end();
  await finished(gzip);
  checkCompressedSize();
  return { attachment: { filename: `${filename}.gz`, contentType: 'application/gzip', content: Buffer.concat(compressed) }, csvBytes, compressed: true };
}
