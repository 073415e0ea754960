import { phoneOfWhatsAppAddress, WHATSAPP_ADDRESS_PREFIX } from './phone-address';

/**
 * Phone numbers and emails never reach the logs whole: `+33612345678` → `+33******78`, `jane@shop.fr` → `j***@shop.fr`,
 * `whatsapp:+33612345678` → `whatsapp:+33******78`.
 */
export function maskRecipient(recipient: string): string {
  const whatsappPhone = phoneOfWhatsAppAddress(recipient);
  if (whatsappPhone !== null) return `${WHATSAPP_ADDRESS_PREFIX}${maskRecipient(whatsappPhone)}`;
  const at = recipient.indexOf('@');
  if (at > 0) return `${recipient[0]}***${recipient.slice(at)}`;
  if (recipient.length <= 5) return '*'.repeat(recipient.length);
  return `${recipient.slice(0, 3)}${'*'.repeat(recipient.length - 5)}${recipient.slice(-2)}`;
}

const PHONE_IN_TEXT = /\+?\d[\d ().-]{6,}\d/g;
const EMAIL_IN_TEXT = /[^\s@'"<>()]+@[^\s@'"<>()]+\.[A-Za-z]{2,}/g;

/** Provider error messages quote the recipient ("The 'To' number +336… is not valid"): mask any number or address. */
export function maskContactsIn(text: string): string {
  return text.replace(EMAIL_IN_TEXT, (email) => maskRecipient(email)).replace(PHONE_IN_TEXT, (phone) => maskRecipient(phone.replace(/[ ().-]/g, '')));
}
