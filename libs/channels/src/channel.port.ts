/** What a channel adapter is asked to deliver. */
export interface OutgoingMessage {
  notificationId: string;
  to: string;
  body: string;
  /** Email only. */
  subject?: string | null;
  /** SMS: the number to send from, when not the adapter's own `sender` (a merchant's own number). */
  from?: string | null;
  /** SMS: the merchant's own number at a given provider, in place of `from` when that provider carries the message. */
  fromByProvider?: Readonly<Partial<Record<string, string>>>;
  /** Email: the name shown beside the adapter's sender address. */
  senderName?: string | null;
  /**
   * WhatsApp outside the customer's session window: the approved template (Twilio Content API) to send instead of the
   * free-form `body`, and the values of its `{{1}}`, `{{2}}`… (`body` is then what the history shows).
   */
  content?: WhatsAppContent | null;
}

/** A Twilio Content template and its variables, keyed `"1"`, `"2"`… as Twilio's `ContentVariables`. */
export interface WhatsAppContent {
  sid: string;
  variables: Record<string, string>;
}

/** The number an SMS goes out from at `adapter`'s provider: the merchant's own there, else its `from`, else the adapter's. */
export function smsSenderAt(adapter: Pick<ChannelAdapter, 'provider' | 'sender'>, message: OutgoingMessage): string {
  return message.fromByProvider?.[adapter.provider] ?? message.from ?? adapter.sender;
}

export interface ProviderReceipt {
  provider: string;
  providerMessageId: string;
  /** What the history should say about how the message got there (e.g. which SMS provider was chosen, and why). */
  detail?: Record<string, unknown>;
}

/** One provider behind one small interface; the worker knows only this. */
export interface ChannelAdapter {
  readonly provider: string;
  /** Who the customer sees the message from by default (an SMS number, an email address); opt-outs are per sender. */
  readonly sender: string;
  send(message: OutgoingMessage): Promise<ProviderReceipt>;
  /**
   * Asks the provider whether it already accepted this message since `since` (a worker died between the provider's
   * answer and our record of it): its receipt, or null when it has none. Throws when the provider cannot answer.
   * Adapters whose provider cannot be asked leave it out.
   */
  findAccepted?(message: OutgoingMessage, since: Date): Promise<ProviderReceipt | null>;
}

/** A file sent with an email. */
export interface MailAttachment {
  filename: string;
  /** MIME type, e.g. `text/csv; charset=utf-8`. */
  contentType: string;
  content: Buffer;
}

/** An email with files, to one or more people at once (e.g. a merchant's back office). */
export interface OutgoingMail {
  /** Herald's id for what is sent (e.g. an export ledger entry), for the logs. */
  reference: string;
  to: readonly string[];
  subject: string;
  body: string;
  attachments: readonly MailAttachment[];
}

/** The email channel: notifications through `send`, mails carrying files through `sendMail`. */
export interface EmailChannelAdapter extends ChannelAdapter {
  sendMail(mail: OutgoingMail): Promise<ProviderReceipt>;
  /**
   * Rewrites a file the adapter kept of a mail it sent (its receipt's `providerMessageId`, the attachment's `filename`)
   * with what `rewrite` makes of its content: an erasure takes a customer out of the export files already written.
   * False when it keeps no such file. Adapters that keep nothing (a provider has the mail, not Herald) leave it out.
   */
  rewriteKeptAttachment?(providerMessageId: string, filename: string, rewrite: (content: Buffer) => Promise<Buffer>): Promise<boolean>;
  /**
   * Deletes the copy the adapter itself kept of a mail it sent (its `providerMessageId`): true when there was one. The
   * log driver keeps the files it was given; adapters that keep nothing (SendGrid's copy is out of Herald's reach)
   * leave it out.
   */
  discardMail?(providerMessageId: string): Promise<boolean>;
}

export const SMS_CHANNEL = Symbol('SMS_CHANNEL');
export const EMAIL_CHANNEL = Symbol('EMAIL_CHANNEL');
export const WHATSAPP_CHANNEL = Symbol('WHATSAPP_CHANNEL');

/** Where test notifications (a test key's) go, per channel: the log driver, whatever providers are configured. */
export interface TestChannels {
  sms: ChannelAdapter;
  email: ChannelAdapter;
  whatsapp: ChannelAdapter;
}
export const TEST_CHANNELS = Symbol('TEST_CHANNELS');
