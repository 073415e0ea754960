import { z } from 'zod';
import { RECIPIENT_UNSUBSCRIBED_CODE } from '@herald/channels';
import { SKIP_REASONS } from '@herald/notifications';
import { DeliveryReceipt } from './delivery-receipt';

/*
 * Twilio's webhook parameters. Objects are loose on purpose: Twilio adds parameters over time, and a webhook that
 * refused them would lose receipts.
 */

/** The query string Herald put on the StatusCallback URL; an id Herald did not make reads as absent. */
export const twilioStatusQuery = z.looseObject({
  notificationId: z
    .uuid()
    .optional()
    .catch(undefined)
    .meta({
      description: 'Set by Herald on the StatusCallback URL it gives Twilio; used only until the MessageSid is recorded, and a callback whose MessageSid is another notification’s is ignored.',
      example: '3f0c2a9e-8d1b-4c52-9a57-6b1e0f4d2c71',
    }),
});
export type TwilioStatusQuery = z.infer<typeof twilioStatusQuery>;

export const twilioStatusCallback = z
  .looseObject({
    MessageSid: z.string().min(1).meta({ description: 'Twilio’s id of the message: the callback is matched by it.', example: 'SM0123456789abcdef0123456789abcdef' }),
    AccountSid: z.string().optional().meta({ description: 'The Twilio account; a callback for another account than TWILIO_ACCOUNT_SID is ignored.', example: 'AC0123456789abcdef0123456789abcdef' }),
    MessageStatus: z.string().min(1).meta({ description: '`delivered` → delivered; `undelivered` or `failed` → undelivered; others record nothing.', example: 'delivered' }),
    ErrorCode: z.string().optional().meta({ description: 'Twilio error code, when the message failed.', example: '30003' }),
    ErrorMessage: z.string().optional().meta({ description: 'Twilio’s text for the error, when it sends one.', example: 'Unreachable destination handset' }),
    From: z.string().optional().meta({ description: 'The sender number.', example: '+15005550006' }),
    To: z.string().optional().meta({ description: 'The recipient number.', example: '+33612345678' }),
  })
  .meta({ id: 'TwilioStatusCallback', description: 'Twilio’s status callback parameters (form-encoded; Twilio adds more, which are ignored).' });
export type TwilioStatusCallback = z.infer<typeof twilioStatusCallback>;

export const twilioInboundMessage = z
  .looseObject({
    From: z.string().min(1).meta({ description: 'The customer’s number; `whatsapp:+…` for a WhatsApp message.', example: '+33612345678' }),
    To: z.string().min(1).meta({ description: 'Herald’s sender number the customer texted (`whatsapp:+…` over WhatsApp).', example: '+15005550006' }),
    Body: z.string().default('').meta({ description: 'The text: a STOP or START keyword opts out or in (of WhatsApp alone, over WhatsApp).', example: 'STOP' }),
  })
  .meta({
    id: 'TwilioInboundMessage',
    description: 'An SMS or a WhatsApp message to Herald’s number, as Twilio posts it (form-encoded; other parameters are ignored).',
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
  '63003': 'The recipient is not a WhatsApp user (channel could not find the To address)',
  '63016': 'Free-form WhatsApp message outside the 24-hour session window: a template is required',
  '63018': 'WhatsApp rate limit exceeded',
  '63024': 'Invalid WhatsApp message recipient',
  '63032': 'Meta held the message back: the recipient takes part in an experiment',
  '63049': 'Meta chose not to deliver this WhatsApp marketing message',
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
