/** What a provider's receipt says happened to one message. */
export type ReceiptOutcome =
  | { status: 'delivered' }
  | { status: 'undelivered'; reason: string | null; error: string; errorCode: string | null };

/** One provider receipt, read from its wire format, before it is matched to a notification. */
export interface DeliveryReceipt {
  provider: 'twilio' | 'vonage' | 'sendgrid';
  /** The id Herald put on the message (Twilio's callback URL, SendGrid's custom args), when it came back. */
  notificationId: string | null;
  providerMessageId: string | null;
  outcome: ReceiptOutcome;
  /** The provider's facts, kept in the notification's history. */
  detail: Record<string, unknown>;
}

/** Statuses from which a receipt may finish a notification; `sending` because a receipt can overtake the worker's own `sent` write. */
export const AWAITING_RECEIPT = ['sending', 'sent'] as const;
