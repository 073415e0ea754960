import { z } from 'zod';
import { DeliveryReceipt } from './delivery-receipt';

/*
 * Vonage's SMS API webhooks (https://developer.vonage.com/en/messaging/sms/guides/delivery-receipts, .../inbound-sms),
 * posted as JSON or as a form, signed with the account's signature secret when signing is on. Objects are loose:
 * Vonage adds parameters over time. Numbers come without their `+`.
 */

export const vonageDeliveryReceipt = z
  .looseObject({
    messageId: z.string().min(1).meta({ description: 'Vonage’s id of the message: the receipt is matched by it.', example: '0A0000000123ABCD1' }),
    status: z.string().min(1).meta({ description: '`delivered` → delivered; `failed`, `rejected` or `expired` → undelivered; others record nothing.', example: 'delivered' }),
    'err-code': z.string().optional().meta({ description: 'Vonage’s delivery error code (0 when delivered).', example: '0' }),
    'client-ref': z
      .uuid()
      .optional()
      .catch(undefined)
      .meta({ description: 'The notification id Herald sent as client-ref; used only until the messageId is recorded.', example: '3f0c2a9e-8d1b-4c52-9a57-6b1e0f4d2c71' }),
    msisdn: z.string().optional().meta({ description: 'The recipient’s number, without +.', example: '33612345678' }),
    to: z.string().optional().meta({ description: 'The sender the message went from.', example: '447700900000' }),
    'api-key': z.string().optional().meta({ description: 'The Vonage account; a receipt for another account than VONAGE_API_KEY is ignored.', example: 'abcd1234' }),
  })
  .meta({ id: 'VonageDeliveryReceipt', description: 'Vonage’s SMS delivery receipt (JSON or form-encoded; other parameters are ignored).' });
export type VonageDeliveryReceipt = z.infer<typeof vonageDeliveryReceipt>;

export const vonageInboundMessage = z
  .looseObject({
    msisdn: z.string().min(1).meta({ description: 'The customer’s number, without +.', example: '33612345678' }),
    to: z.string().min(1).meta({ description: 'Herald’s Vonage number the customer texted, without +.', example: '447700900000' }),
    text: z.string().default('').meta({ description: 'The text: a STOP or START keyword opts out or in.', example: 'STOP' }),
    'api-key': z.string().optional().meta({ description: 'The Vonage account.', example: 'abcd1234' }),
  })
  .meta({ id: 'VonageInboundMessage', description: 'An SMS to Herald’s Vonage number, as Vonage posts it (other parameters are ignored).' });
export type VonageInboundMessage = z.infer<typeof vonageInboundMessage>;

/** Delivery receipt error codes (https://developer.vonage.com/en/messaging/sms/guides/delivery-receipts#dlr-error-codes). */
const VONAGE_DLR_ERRORS: Record<string, string> = {
  '1': 'Unknown',
  '2': 'Absent subscriber (temporary)',
  '3': 'Absent subscriber (permanent)',
  '4': 'Call barred by user',
  '5': 'Portability error',
  '6': 'Anti-spam rejection',
  '7': 'Handset busy',
  '8': 'Network error',
  '9': 'Illegal number',
  '10': 'Illegal message',
  '11': 'Unroutable',
  '12': 'Destination unreachable',
  '13': 'Subscriber age restriction',
  '14': 'Number blocked by carrier',
  '15': 'Prepaid insufficient funds',
  '99': 'General error',
};

const UNDELIVERED_STATUSES = new Set(['failed', 'rejected', 'expired']);

/** A Vonage number as Herald stores numbers: digits get their `+` back; an alphanumeric sender id stays as it is. */
export function vonageNumber(address: string): string {
  return /^\d+$/.test(address) ? `+${address}` : address;
}

/** A Vonage delivery receipt as a receipt; null for the intermediate statuses (accepted, buffered, unknown). */
export function receiptFromVonageStatus(receipt: VonageDeliveryReceipt): DeliveryReceipt | null {
  const status = receipt.status.toLowerCase();
  const errorCode = receipt['err-code'] && receipt['err-code'] !== '0' ? receipt['err-code'] : null;
  const base = {
    provider: 'vonage' as const,
    notificationId: receipt['client-ref'] ?? null,
    providerMessageId: receipt.messageId,
    detail: { provider: 'vonage', providerStatus: status, messageId: receipt.messageId, ...(errorCode ? { errorCode } : {}) },
  };
  if (status === 'delivered') return { ...base, outcome: { status: 'delivered' } };
  if (!UNDELIVERED_STATUSES.has(status)) return null;
  const error = (errorCode && VONAGE_DLR_ERRORS[errorCode]) || `Vonage reported the message ${status}${errorCode ? ` (error ${errorCode})` : ''}`;
  return { ...base, outcome: { status: 'undelivered', reason: null, error, errorCode: errorCode && `vonage_dlr_${errorCode}` } };
}
