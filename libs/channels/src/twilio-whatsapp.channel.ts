import type twilio from 'twilio';
import { ChannelAdapter, OutgoingMessage, ProviderReceipt } from './channel.port';
import { toWhatsAppAddress } from './phone-address';
import { classifyTwilioError, twilioMessages, TwilioSettings } from './twilio-client';

/**
 * WhatsApp through Twilio's Messages API, on the same account (and SDK transport) as its SMS. A message with `content`
 * goes as the approved template (`ContentSid`, `ContentVariables`), as WhatsApp requires outside the customer's 24-hour
 * session window; otherwise as a free-form `Body`. Which of the two is the caller's rule (the session window is
 * Herald's record, not Twilio's). No lookup for takeovers: a template's text at Twilio is not the body Herald knows.
 */
export class TwilioWhatsAppChannel implements ChannelAdapter {
  readonly provider = 'twilio';
  /** `whatsapp:+…`. */
  readonly sender: string;
  private readonly messages: twilio.Twilio['messages'];

  constructor(
    settings: TwilioSettings,
    from: string,
    private readonly statusCallbackUrl: string,
    timeoutMs: number,
    maxConnections = 20,
  ) {
    this.sender = toWhatsAppAddress(from);
    this.messages = twilioMessages(settings, timeoutMs, maxConnections);
  }

  async send(message: OutgoingMessage): Promise<ProviderReceipt> {
    const content = message.content;
    try {
      const created = await this.messages.create({
        to: toWhatsAppAddress(message.to),
        from: this.sender,
        ...(content ? { contentSid: content.sid, contentVariables: JSON.stringify(content.variables) } : { body: message.body }),
        statusCallback: `${this.statusCallbackUrl}?notificationId=${encodeURIComponent(message.notificationId)}`,
      });
      return {
        provider: this.provider,
        providerMessageId: created.sid,
        detail: content ? { whatsapp: 'template', contentSid: content.sid } : { whatsapp: 'session' },
      };
    } catch (error) {
      throw classifyTwilioError(error);
    }
  }
}
