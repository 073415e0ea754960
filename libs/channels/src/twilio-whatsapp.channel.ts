import type { HeraldConfig } from '@herald/config';
import { ProviderReceipt } from './channel.port';
import { ProviderError } from './provider.error';
import { classifyTwilioError, twilioMessages } from './twilio-sms.channel';

type TwilioSettings = NonNullable<HeraldConfig['twilio']>;

/** A Twilio Content API template's SID: `HX` and 32 hex digits. */
export const CONTENT_SID_PATTERN = /^HX[0-9a-f]{32}$/;

/** Twilio's prefix for a WhatsApp address on the Messages API. */
const WHATSAPP = 'whatsapp:';

/**
 * Twilio's WhatsApp codes for a recipient WhatsApp cannot reach (no WhatsApp account, an invalid recipient): the
 * message should go another way (SMS), not again.
 */
export const WHATSAPP_UNREACHABLE_CODES: readonly string[] = ['63003', '63024'];
/** Free-form text outside the customer's 24-hour session window: only an approved template may be sent. */
export const WHATSAPP_SESSION_CLOSED_CODE = '63016';

/** What goes to a customer on WhatsApp: an approved template with its variables, or free-form text inside a session. */
export interface OutgoingWhatsApp {
  notificationId: string;
  /** E.164, without the `whatsapp:` prefix. */
  to: string;
  /** The merchant's WhatsApp sender (E.164); default the adapter's own. */
  from?: string | null;
  content: { templateSid: string; variables: Record<string, string> } | { body: string };
}

/** The WhatsApp port: templates (business-initiated) or free-form text (inside a session window). */
export interface WhatsAppChannelAdapter {
  readonly provider: string;
  readonly sender: string;
  send(message: OutgoingWhatsApp): Promise<ProviderReceipt>;
}

/**
 * WhatsApp through Twilio's Messages API and the official SDK: `whatsapp:`-prefixed addresses, a Content API template
 * (`ContentSid`, `ContentVariables` as JSON) to start a conversation, or a `Body` inside the 24-hour window a customer's
 * own message opens. Failures are classified as SMS ones are (see classifyTwilioFailure: 63016, 63003, 63024 permanent,
 * 63018 transient).
 */
export class TwilioWhatsAppChannel implements WhatsAppChannelAdapter {
  readonly provider = 'twilio';
  readonly sender: string;
  private readonly messages: ReturnType<typeof twilioMessages>;

  constructor(
    settings: TwilioSettings & { whatsappFrom: string },
    private readonly statusCallbackUrl: string,
    timeoutMs: number,
    maxConnections = 20,
  ) {
    this.sender = settings.whatsappFrom;
    this.messages = twilioMessages(settings, timeoutMs, maxConnections);
  }

  async send(message: OutgoingWhatsApp): Promise<ProviderReceipt> {
    const { content } = message;
    if ('templateSid' in content && !CONTENT_SID_PATTERN.test(content.templateSid)) {
      throw new ProviderError(this.provider, 'permanent', 'invalid_content_sid', `${content.templateSid} is not a Content SID (HX and 32 hex digits)`);
    }
    try {
      const created = await this.messages.create({
        to: `${WHATSAPP}${message.to}`,
        from: `${WHATSAPP}${message.from ?? this.sender}`,
        ...('templateSid' in content ? { contentSid: content.templateSid, contentVariables: JSON.stringify(content.variables) } : { body: content.body }),
        statusCallback: `${this.statusCallbackUrl}?notificationId=${encodeURIComponent(message.notificationId)}`,
      });
      return { provider: this.provider, providerMessageId: created.sid };
    } catch (error) {
      throw classifyTwilioError(error);
    }
  }
}
