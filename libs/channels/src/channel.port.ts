/** What a channel adapter is asked to deliver. */
export interface OutgoingMessage {
  notificationId: string;
  to: string;
  body: string;
  /** Email only. */
  subject?: string | null;
}

export interface ProviderReceipt {
  provider: string;
  providerMessageId: string;
}

/** One provider behind one small interface; the worker knows only this. */
export interface ChannelAdapter {
  readonly provider: string;
  /** Who the customer sees the message from (an SMS number, an email address); opt-outs are per sender. */
  readonly sender: string;
  send(message: OutgoingMessage): Promise<ProviderReceipt>;
}

export const SMS_CHANNEL = Symbol('SMS_CHANNEL');
export const EMAIL_CHANNEL = Symbol('EMAIL_CHANNEL');
