import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { EmailChannelAdapter, OutgoingMail, OutgoingMessage, ProviderReceipt } from './channel.port';
import { maskRecipient } from './masking';

/** Where the log driver leaves the files a mail would have carried. */
export const LOG_MAIL_DIRECTORY = join(tmpdir(), 'herald-mail');

/** The message ids the log driver hands out (`log-` and a uuid): nothing else names one of its directories. */
const LOG_MESSAGE_ID = /^log-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The embedded default: no account needed, the message is written to the log and counts as sent. It also takes every
 * test notification (`purpose` `test`), whatever providers are configured, and says so in the log.
 */
export class LogChannel implements EmailChannelAdapter {
  readonly provider = 'log';
  readonly sender = 'log';
  private readonly logger: Logger;
  private readonly delivered: string;

  constructor(channel: 'sms' | 'email' | 'whatsapp', purpose: 'default' | 'test' = 'default') {
    this.logger = new Logger(purpose === 'test' ? `LogChannel:${channel}:test` : `LogChannel:${channel}`);
    this.delivered = purpose === 'test' ? 'test message delivered to the log driver' : 'message delivered to the log driver';
  }

  async send(message: OutgoingMessage): Promise<ProviderReceipt> {
    const providerMessageId = `log-${randomUUID()}`;
    this.logger.log({
      msg: this.delivered,
      notificationId: message.notificationId,
      to: maskRecipient(message.to),
      ...(message.from ? { from: message.from } : {}),
      ...(message.senderName ? { senderName: message.senderName } : {}),
      subject: message.subject,
      body: message.body,
      ...(message.content ? { contentSid: message.content.sid, contentVariables: message.content.variables } : {}),
      providerMessageId,
    });
    return { provider: this.provider, providerMessageId };
  }

  /** Files are not written into the log: each is saved under LOG_MAIL_DIRECTORY, and the log says where and how big. */
  async sendMail(mail: OutgoingMail): Promise<ProviderReceipt> {
    const providerMessageId = `log-${randomUUID()}`;
    const directory = join(LOG_MAIL_DIRECTORY, providerMessageId);
    await mkdir(directory, { recursive: true });
    const attachments = [];
    for (const file of mail.attachments) {
      const path = join(directory, basename(file.filename));
      await writeFile(path, file.content);
      attachments.push({ filename: file.filename, path, bytes: file.content.length });
    }
    this.logger.log({
      msg: 'mail delivered to the log driver',
      reference: mail.reference,
      to: mail.to.map(maskRecipient),
      subject: mail.subject,
      body: mail.body,
      attachments,
      providerMessageId,
    });
    return { provider: this.provider, providerMessageId };
  }

  /**
   * The files under LOG_MAIL_DIRECTORY are the only copies of a mail Herald keeps: an erasure rewrites them. The new
   * content replaces the old in one rename, so a reader sees one or the other, never half a file. Only this host's
   * files are reached: with workers on several hosts, each keeps the files it sent.
   */
  async rewriteKeptAttachment(providerMessageId: string, filename: string, rewrite: (content: Buffer) => Promise<Buffer>): Promise<boolean> {
    const path = join(LOG_MAIL_DIRECTORY, basename(providerMessageId), basename(filename));
    let content: Buffer;
    try {
      content = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    const rewritten = await rewrite(content);
    if (rewritten.equals(content)) return true;
    const next = `${path}.${randomUUID()}.tmp`;
    await writeFile(next, rewritten);
    await rename(next, path);
    return true;
  }

  /** Deletes the files saved for the mail `providerMessageId` (its directory under LOG_MAIL_DIRECTORY). */
  async discardMail(providerMessageId: string): Promise<boolean> {
    if (!LOG_MESSAGE_ID.test(providerMessageId)) return false;
    const directory = join(LOG_MAIL_DIRECTORY, providerMessageId);
    const found = await stat(directory).then(() => true, () => false);
    await rm(directory, { recursive: true, force: true });
    return found;
  }
}
