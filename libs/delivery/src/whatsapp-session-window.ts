/** WhatsApp's customer service window: free-form messages are allowed for 24 hours after the customer's last message. */
export const WHATSAPP_SESSION_MS = 24 * 60 * 60_000;

/**
 * How long before the window closes Herald stops counting on it: Twilio may take a little while to hand the message
 * to WhatsApp, and a free-form message that arrives after the window closed fails (63016).
 */
export const WHATSAPP_SESSION_MARGIN_MS = 5 * 60_000;

/** How a WhatsApp message goes: free-form (`session`) or as an approved template (`template`). */
export type WhatsAppSendMode = 'session' | 'template';

/**
 * Free-form while the customer's last message (`lastInboundAt`) is less than 24 hours old, give or take the margin;
 * otherwise (or when the customer never wrote) only an approved template may open the conversation.
 */
export function whatsappSendMode(lastInboundAt: Date | null, now: Date): WhatsAppSendMode {
  if (!lastInboundAt) return 'template';
  const age = now.getTime() - lastInboundAt.getTime();
  return age < WHATSAPP_SESSION_MS - WHATSAPP_SESSION_MARGIN_MS ? 'session' : 'template';
}
