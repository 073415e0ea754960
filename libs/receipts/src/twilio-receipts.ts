import { z } from 'zod';
import { RECIPIENT_UNSUBSCRIBED_CODE } from '@herald/channels';
import { SKIP_REASONS } from '@herald/notifications';
import { DeliveryReceipt } from './delivery-receipt';

/*
 * Twilio's webhook parameters. Objects are loose on purpose: Twilio adds parameters over time, and a webhook that
 * refused them would lose receipts.
 */

/** The query string Herald put on the StatusCallback URL; an id Herald did not make reads as absent. */
export const twilioStatusQuery = z.looseObject({ notificationId: z.uuid().optional().catch(undefined) });
export type TwilioStatusQuery = z.infer<typeof twilioStatusQuery>;

export const twilioStatusCallback = z.looseObject({
  MessageSid: z.string().min(1),
  MessageStatus: z.string().min(1),
  ErrorCode: z.string().optional(),
  ErrorMessage: z.string().optional(),
  From: z.string().optional(),
  To: z.string().optional(),
});
export type TwilioStatusCallback = z.infer<typeof twilioStatusCallback>;

export const twilioInboundMessage = z.looseObject({
  From: z.string().min(1),
  To: z.string().min(1),
  Body: z.string().default(''),
});
export type TwilioInboundMessage = z.infer<typeof twilioInboundMessage>;

/** Status callbacks carry only the code; these texts are from https://www.twilio.com/docs/api/errors. */
const TWILIO_ERROR_TEXTS: Record<string, string> = {
  '30001': 'Queue overflow',
  '30002': 'Account suspended',
  '30003': 'Unreachable destination handset',
  '30004': 'Message blocked',
  '30005': 'Unknown destination handset',
  '30006': 'Landline or unreachable carrier',
  '30007': 'Message filtered by the carrier',
  '30008': 'Unknown error',
  [RECIPIENT_UNSUBSCRIBED_CODE]: 'The recipient has opted out of messages from this sender',
};

/** A Twilio status callback as a receipt; null for the intermediate statuses (queued, sending, sent, accepted…). */
export function receiptFromTwilioStatus(query: TwilioStatusQuery, callback: TwilioStatusCallback): DeliveryReceipt | null {
  const status = callback.MessageStatus.toLowerCase();
  const errorCode = callback.ErrorCode || null;
  const base = {
    provider: 'twilio' as const,
    notificationId: query.notificationId ?? null,
    providerMessageId: callback.MessageSid,
    detail: { provider: 'twilio', providerStatus: status, messageSid: callback.MessageSid, ...(errorCode ? { errorCode } : {}) },
  };
  if (status === 'delivered') return { ...base, outcome: { status: 'delivered' } };
  if (status !== 'undelivered' && status !== 'failed') return null;
  const error =
    callback.ErrorMessage ||
    (errorCode && TWILIO_ERROR_TEXTS[errorCode]) ||
    `Twilio reported the message ${status}${errorCode ? ` (error ${errorCode})` : ''}`;
  const reason = errorCode === RECIPIENT_UNSUBSCRIBED_CODE ? SKIP_REASONS.optedOut : null;
  return { ...base, outcome: { status: 'undelivered', reason, error, errorCode } };
}
