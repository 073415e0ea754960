import { Logger } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { LOG_MAIL_DIRECTORY, LogChannel } from './log.channel';

describe('the log driver', () => {
  afterEach(() => jest.restoreAllMocks());

  it('saves a mail’s files instead of sending them, and logs where and how big, with recipients masked', async () => {
    const logged = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const content = Buffer.from('\uFEFForder_reference\r\nA-1\r\n');
    const receipt = await new LogChannel('email').sendMail({
      reference: 'entry-1',
      to: ['backoffice@shop.fr'],
      subject: 'Orders of 2026-11-21: Shop',
      body: 'The file is attached.',
      attachments: [{ filename: 'orders-2026-11-21.csv', contentType: 'text/csv; charset=utf-8', content }],
    });

    expect(receipt.provider).toBe('log');
    const [entry] = logged.mock.calls[0] as [{ to: string[]; attachments: { filename: string; path: string; bytes: number }[] }];
    expect(entry.to).toEqual(['b***@shop.fr']);
    expect(entry.attachments).toEqual([{ filename: 'orders-2026-11-21.csv', path: expect.stringContaining(LOG_MAIL_DIRECTORY), bytes: content.length }]);
    expect((await readFile(entry.attachments[0].path)).equals(content)).toBe(true);
  });
});
