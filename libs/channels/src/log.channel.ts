import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ChannelAdapter, OutgoingMessage, ProviderReceipt } from './channel.port';
import { maskRecipient } from './masking';

/** The embedded default: no account needed, the message is written to the log and counts as sent. */
export class LogChannel implements ChannelAdapter {
  readonly provider = 'log';
  readonly sender = 'log';
  private readonly logger: Logger;

  constructor(channel: 'sms' | 'email') {
    this.logger = new Logger(`LogChannel:${channel}`);
  }

  async send(message: OutgoingMessage): Promise<ProviderReceipt> {
    const providerMessageId = `log-${randomUUID()}`;
    this.logger.log({
      msg: 'message delivered to the log driver',
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
}
