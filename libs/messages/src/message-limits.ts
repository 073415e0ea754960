import { TemplateVariable } from './template-kinds';

/** The channels a text goes out on (as `Channel` in persistence, which this library does not know). */
export type TextChannel = 'sms' | 'email' | 'whatsapp';

/*
 * Every length here is in UTF-16 code units, what JavaScript and the API's validation count (an emoji counts 2): never
 * fewer than the characters Twilio counts, so a text within these goes out.
 */

/** The longest text a message may carry once rendered: Twilio refuses an SMS or WhatsApp `Body` over 1,600 characters. */
export const RENDERED_MAX = {
  smsBody: 1600,
  emailSubject: 1000,
  emailBody: 20_000,
} as const;

/** The longest template text the API takes (an SMS template can never render shorter than itself). */
export const TEMPLATE_MAX = {
  smsBody: RENDERED_MAX.smsBody,
  emailBody: 10_000,
  subject: 200,
} as const;

/**
 * The longest value of each variable: shop, customer name and reference as the API bounds them when they are given,
 * dates and times as Intl says them at their longest in any language (measured: 35, 14 and 47), with room to spare.
 * In a right-to-left language each value gains its two isolates on top (see variablesFor).
 */
export const VARIABLE_MAX_LENGTH: Record<TemplateVariable, number> = {
  shopName: 200,
  customerName: 200,
  reference: 100,
  pickupDate: 60,
  pickupTime: 30,
  pickupWhen: 80,
};

/** FSI and PDI, around each value in a right-to-left text. */
export const ISOLATES_LENGTH = 2;

/** The code a send carries (as `lastErrorCode`, and in its dead letter) when its text rendered longer than allowed. */
export const MESSAGE_TOO_LONG_CODE = 'message_too_long';

export interface RenderedText {
  subject: string | null;
  body: string;
}

const CHANNEL_NAMES: Record<TextChannel, string> = { sms: 'SMS', email: 'email', whatsapp: 'WhatsApp' };

/** The most a field of a text on this channel may hold once rendered. */
export function renderedMaxOf(channel: TextChannel, field: 'body' | 'subject'): number {
  if (field === 'subject') return RENDERED_MAX.emailSubject;
  return channel === 'email' ? RENDERED_MAX.emailBody : RENDERED_MAX.smsBody;
}

/** Why this rendered text cannot go out on this channel, or null when it can. Reads lengths only. */
export function renderedTooLong(channel: TextChannel, text: RenderedText): string | null {
  if (text.body.length > renderedMaxOf(channel, 'body')) {
    return `the ${CHANNEL_NAMES[channel]} body rendered ${text.body.length} characters, more than the ${renderedMaxOf(channel, 'body')} allowed`;
  }
  if (channel === 'email' && text.subject !== null && text.subject.length > RENDERED_MAX.emailSubject) {
    return `the email subject rendered ${text.subject.length} characters, more than the ${RENDERED_MAX.emailSubject} allowed`;
  }
  return null;
}
