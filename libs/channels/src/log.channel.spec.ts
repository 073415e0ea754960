import { Logger } from '@nestjs/common';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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

  it('rewrites a file it kept when asked (an erasure), and says when it kept no such file', async () => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const channel = new LogChannel('email');
    const attachment = { filename: 'orders-2026-11-22.csv', contentType: 'text/csv; charset=utf-8', content: Buffer.from('A-1,Ada\r\n') };
    const { providerMessageId } = await channel.sendMail({ reference: 'entry-2', to: ['b@shop.fr'], subject: 'S', body: 'B', attachments: [attachment] });

    const rewritten = await channel.rewriteKeptAttachment(providerMessageId, attachment.filename, async (content) => Buffer.from(content.toString().replace('Ada', '')));
    expect(rewritten).toBe(true);
    expect((await readFile(join(LOG_MAIL_DIRECTORY, providerMessageId, attachment.filename))).toString()).toBe('A-1,\r\n');
    await expect(channel.rewriteKeptAttachment('log-never-sent', attachment.filename, async (content) => content)).resolves.toBe(false);
    // A name with a path in it stays inside the directory.
    await expect(channel.rewriteKeptAttachment('../../etc', 'passwd', async (content) => content)).resolves.toBe(false);
  });

  it('deletes the files it saved for a mail when asked, and nothing that is not one of its mails', async () => {
    const logged = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const channel = new LogChannel('email');
    const file = { filename: 'orders-2026-11-21.csv', contentType: 'text/csv; charset=utf-8', content: Buffer.from('a\r\n') };
    const { providerMessageId } = await channel.sendMail({ reference: 'entry-2', to: ['a@shop.fr'], subject: 's', body: 'b', attachments: [file] });
    const [entry] = logged.mock.calls[0] as [{ attachments: { path: string }[] }];
    const exists = (path: string) => stat(path).then(() => true, () => false);

    expect(await channel.discardMail(providerMessageId)).toBe(true);
    expect(await exists(dirname(entry.attachments[0].path))).toBe(false);
    expect(await channel.discardMail(providerMessageId)).toBe(false);
    expect(await channel.discardMail('../herald-mail')).toBe(false);
    expect(await exists(LOG_MAIL_DIRECTORY)).toBe(true);
  });
});
