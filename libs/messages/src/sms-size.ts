import { SegmentedMessage } from 'sms-segments-calculator';

export const SMS_ENCODINGS = ['GSM-7', 'UCS-2'] as const;
export type SmsEncoding = (typeof SMS_ENCODINGS)[number];

export interface SmsSize {
  /** GSM-7 when every character is in the GSM 03.38 alphabet (its extension table included), else UCS-2. */
  encoding: SmsEncoding;
  /** Parts the text travels in, and is billed as: 160/153 characters (GSM-7), 70/67 (UCS-2). */
  segments: number;
}

/** How an SMS text travels, per Twilio's own segment calculator (escapes and surrogate pairs never split). */
export function smsSizeOf(text: string): SmsSize {
  const message = new SegmentedMessage(text);
  return { encoding: message.encodingName, segments: message.segmentsCount };
}
