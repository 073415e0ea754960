/** A phone number as Herald stores it (E.164): `+`, a non-zero digit, 7 to 15 digits in all. */
export const E164_NUMBER = /^\+[1-9]\d{6,14}$/;

/** How Twilio addresses a WhatsApp user or sender: `whatsapp:+33612345678`. */
export const WHATSAPP_ADDRESS_PREFIX = 'whatsapp:';

export const toWhatsAppAddress = (phone: string) => (phone.startsWith(WHATSAPP_ADDRESS_PREFIX) ? phone : `${WHATSAPP_ADDRESS_PREFIX}${phone}`);

/** The phone number of a WhatsApp address (`whatsapp:+33…` → `+33…`); null for an address that is not WhatsApp's. */
export function phoneOfWhatsAppAddress(address: string): string | null {
  return address.startsWith(WHATSAPP_ADDRESS_PREFIX) ? address.slice(WHATSAPP_ADDRESS_PREFIX.length) : null;
}
