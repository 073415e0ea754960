import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import type { HeraldConfig } from '@herald/config';
import { EmailChannelAdapter, OutgoingMail, OutgoingMessage, ProviderReceipt } from './channel.port';
import { ProviderError, isTransientStatus, parseRetryAfter } from './provider.error';

type SendGridSettings = NonNullable<HeraldConfig['sendgrid']>;

interface SendGridFailure {
  code?: number | string;
  message?: string;
  response?: { headers?: Record<string, string>; body?: { errors?: { message?: string }[] } };
}

export function classifySendGridFailure(error: unknown): ProviderError {
  const failure = error as SendGridFailure;
  const status = typeof failure.code === 'number' ? failure.code : undefined;
  const detail = failure.response?.body?.errors?.map((e) => e.message).filter(Boolean).join('; ');
  const message = detail || failure.message || String(error);
  const transient = isTransientStatus(status);
  return new ProviderError(
    'sendgrid',
    transient ? 'transient' : 'permanent',
    status !== undefined ? `http_${status}` : 'network',
    message,
    transient ? parseRetryAfter(failure.response?.headers?.['retry-after']) : undefined,
  );
}

/** Email through the official SendGrid SDK, with notification ids in custom args for the event webhook. */
export class SendGridEmailChannel implements EmailChannelAdapter {
  readonly provider = 'sendgrid';
  readonly sender: string;
  private readonly mail = new MailService();

  constructor(
    private readonly settings: SendGridSettings,
    timeoutMs: number,
  ) {
    this.sender = settings.from;
    const client = new Client();
    client.setApiKey(settings.apiKey);
    client.setDefaultRequest('baseUrl', settings.apiUrl);
    // Passed through to axios; the SDK's typings omit it, and without it a hung connection would hold a worker slot.
    client.setDefaultRequest('timeout' as 'method', timeoutMs as never);
    this.mail.setClient(client);
  }

  async send(message: OutgoingMessage): Promise<ProviderReceipt> {
    try {
      const [response] = await this.mail.send({
        // Custom args per personalization: SendGrid's event webhook echoes them, and its official document types the
        // top-level `custom_args` as a string, so only this place is valid for an object.
        personalizations: [{ to: message.to, customArgs: { notificationId: message.notificationId } }],
        from: message.senderName ? { email: this.settings.from, name: message.senderName } : this.settings.from,
        subject: message.subject ?? '',
        text: message.body,
      });
      const headers = response.headers as Record<string, string | undefined>;
      return { provider: this.provider, providerMessageId: headers['x-message-id'] ?? message.notificationId };
    } catch (error) {
      throw classifySendGridFailure(error);
    }
  }

  /** One message to every recipient (they see each other: a shop's own staff), the files attached. */
  async sendMail(mail: OutgoingMail): Promise<ProviderReceipt> {
    try {
      const [response] = await this.mail.send({
        to: [...mail.to],
        from: this.settings.from,
        subject: mail.subject,
        text: mail.body,
        attachments: mail.attachments.map((file) => ({
          filename: file.filename,
          type: file.contentType,
          content: file.content.toString('base64'),
          disposition: 'attachment',
        })),
      });
      const headers = response.headers as Record<string, string | undefined>;
      return { provider: this.provider, providerMessageId: headers['x-message-id'] ?? mail.reference };
    } catch (error) {
      throw classifySendGridFailure(error);
    }
  }
}
