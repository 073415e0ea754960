import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
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

  constructor(channel: 'sms' | 'email', purpose: 'default' | 'test' = 'default') {
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

  /** Deletes the files saved for the mail `providerMessageId` (its directory under LOG_MAIL_DIRECTORY). */
  async discardMail(providerMessageId: string): Promise<boolean> {
    if (!LOG_MESSAGE_ID.test(providerMessageId)) return false;
    const directory = join(LOG_MAIL_DIRECTORY, providerMessageId);
    const found = await stat(directory).then(() => true, () => false);
    await rm(directory, { recursive: true, force: true });
    return found;
  }
}
