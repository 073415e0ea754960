import type twilio from 'twilio';
import type { MessagePage } from 'twilio/lib/rest/api/v2010/account/message';
import { ChannelAdapter, OutgoingMessage, ProviderReceipt, smsSenderAt } from './channel.port';
import { ProviderError } from './provider.error';
import { classifyTwilioError, twilioMessages, TwilioSettings } from './twilio-client';

/** One page of Twilio's message list, as the SDK pages through it. */
type LookupPage = Pick<MessagePage, 'instances' | 'nextPageUrl' | 'nextPage'>;

/** Twilio's largest page: a recipient's messages since a claim almost always fit in one. */
const LOOKUP_PAGE_SIZE = 1000;
/** Twilio's timestamps have a one-second resolution, and its clock is not ours. */
const CLOCK_SKEW_MS = 1000;

/** SMS through the official Twilio SDK. */
export class TwilioSmsChannel implements ChannelAdapter {
  readonly provider = 'twilio';
  readonly sender: string;
  /**
   * The account's Messages resource, resolved once at boot: the SDK loads its REST modules on first use, which cost the
   * first send of a fresh worker about 70 ms.
   */
  private readonly messages: twilio.Twilio['messages'];

  constructor(
    settings: TwilioSettings,
    private readonly statusCallbackUrl: string,
    private readonly timeoutMs: number,
    /** Connections to Twilio at once: as many as the sends this process may have in flight (the SDK's default: 20). */
    maxConnections = 20,
  ) {
    this.sender = settings.from;
    this.messages = twilioMessages(settings, timeoutMs, maxConnections);
  }

  async send(message: OutgoingMessage): Promise<ProviderReceipt> {
    try {
      const created = await this.messages.create({
        to: message.to,
        from: smsSenderAt(this, message),
        body: message.body,
        // The notification id rides in the callback URL, so a receipt that overtakes our own `sent` write still finds it.
        statusCallback: `${this.statusCallbackUrl}?notificationId=${encodeURIComponent(message.notificationId)}`,
      });
      return { provider: this.provider, providerMessageId: created.sid };
    } catch (error) {
      throw this.classify(error);
    }
  }

  /**
   * Reads the recipient's messages from the message's sender back to `since`, newest first, a page at a time, and stops at the
   * first with this body. Throws (a classified ProviderError) when Twilio cannot answer, or takes longer than one
   * provider timeout in all: the caller must then decide without knowing.
   */
  async findAccepted(message: OutgoingMessage, since: Date): Promise<ProviderReceipt | null> {
    const deadline = Date.now() + this.timeoutMs;
    const notBefore = since.getTime() - CLOCK_SKEW_MS;
    try {
      let page: LookupPage | undefined = await this.messages.page({
        to: message.to,
        from: smsSenderAt(this, message),
        dateSentAfter: since,
        pageSize: LOOKUP_PAGE_SIZE,
      });
      while (page) {
        const match = page.instances.find((m) => m.body === message.body && m.dateCreated.getTime() >= notBefore);
        if (match) return { provider: this.provider, providerMessageId: match.sid };
        if (page.nextPageUrl && Date.now() > deadline) {
          throw new ProviderError(this.provider, 'transient', 'lookup_timeout', `message lookup still paging after ${this.timeoutMs} ms`);
        }
        page = await page.nextPage();
      }
      return null;
    } catch (error) {
      throw this.classify(error);
    }
  }

  private classify(error: unknown): ProviderError {
    return classifyTwilioError(error);
  }
}
