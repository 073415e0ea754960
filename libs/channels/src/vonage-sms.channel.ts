import { SMS } from '@vonage/sms';
import type { HeraldConfig } from '@herald/config';
import { ChannelAdapter, OutgoingMessage, ProviderReceipt, smsSenderAt } from './channel.port';
import { isAmbiguousNetworkError, isTransientStatus, parseRetryAfter, ProviderError } from './provider.error';

type VonageSettings = NonNullable<HeraldConfig['vonage']>;

/**
 * The SMS API's per-message statuses that no retry can fix (https://developer.vonage.com/en/messaging/sms/guides/troubleshooting-sms):
 * missing or invalid parameters, bad credentials, an invalid or barred message or number, a barred account, an account
 * out of credit, not enabled, too long, a bad signature or sender, an unknown network, a bad callback URL, a destination
 * a trial account may not reach, a deactivated number. Worth a retry: 1 throttled, 5 internal error, 10 too many binds.
 */
const PERMANENT_VONAGE_STATUSES = new Set(['2', '3', '4', '6', '7', '8', '9', '11', '12', '14', '15', '22', '23', '29', '32', '33']);
/** Statuses tied to the recipient, not to the account: another provider would refuse the number too. */
export const VONAGE_RECIPIENT_STATUSES: readonly string[] = ['3', '6', '7', '29', '33'];

/** Vonage's default origin for the SMS API; VONAGE_API_URL points the SDK elsewhere (a proxy, a test fake). */
export const VONAGE_DEFAULT_ORIGIN = 'https://rest.nexmo.com';

/** A failure the SMS API reported in its answer (HTTP 200, a message status other than 0), classified. */
export function classifyVonageStatus(status: string, errorText: string): ProviderError {
  const permanent = PERMANENT_VONAGE_STATUSES.has(status);
  return new ProviderError('vonage', permanent ? 'permanent' : 'transient', `vonage_${status}`, errorText || `Vonage answered status ${status}`);
}

/**
 * A Vonage failure as the SDK throws it, classified: an SMS failure carries the per-message status; an HTTP failure
 * (401 bad credentials, 403, 429, 5xx) its response; a timeout aborts the request (AbortError) after it was sent, so
 * Vonage may have the message: ambiguous. A refused connection never reached Vonage.
 */
export function classifyVonageError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const failure = error as {
    name?: string;
    message?: string;
    response?: { status?: number; headers?: { get?(name: string): string | null }; messages?: Array<{ status?: string; errorText?: string }> };
  };
  const messages = failure.response?.messages;
  if (Array.isArray(messages)) {
    const refused = messages.find((m) => m.status !== '0') ?? messages[0];
    return classifyVonageStatus(String(refused?.status ?? ''), String(refused?.errorText ?? failure.message ?? ''));
  }
  const status = failure.response?.status;
  if (typeof status === 'number') {
    const permanent = !isTransientStatus(status);
    const retryAfter = permanent ? undefined : parseRetryAfter(failure.response?.headers?.get?.('retry-after') ?? undefined);
    return new ProviderError('vonage', permanent ? 'permanent' : 'transient', `http_${status}`, `Vonage answered HTTP ${status}`, retryAfter);
  }
  const ambiguous = isAmbiguousNetworkError(error);
  return new ProviderError('vonage', 'transient', ambiguous ? 'timeout' : 'network', failure.message ?? String(error), undefined, ambiguous);
}

/**
 * SMS through Vonage's SMS API and its official SDK (`@vonage/sms`). Numbers go without their `+` (the API's format);
 * the notification id rides as `client-ref`, which Vonage returns on the delivery receipt, and the receipt comes to
 * `statusCallbackUrl` (the per-message `callback`). Vonage has no usable way to ask whether it took a message, so the
 * adapter has no `findAccepted`: a send that timed out stays on Vonage.
 */
export class VonageSmsChannel implements ChannelAdapter {
  readonly provider = 'vonage';
  readonly sender: string;
  private readonly sms: SMS;

  constructor(
    settings: VonageSettings,
    private readonly statusCallbackUrl: string,
    timeoutMs: number,
  ) {
    this.sender = settings.from;
    this.sms = new SMS({ apiKey: settings.apiKey, apiSecret: settings.apiSecret }, { restHost: settings.apiUrl.replace(/\/+$/, ''), timeout: timeoutMs });
  }

  async send(message: OutgoingMessage): Promise<ProviderReceipt> {
    try {
      const answer = await this.sms.send({
        to: withoutPlus(message.to),
        from: withoutPlus(smsSenderAt(this, message)),
        text: message.body,
        // Unicode when the text is not plain GSM-7 would be garbled otherwise; Vonage splits and joins the parts itself.
        type: isGsm7(message.body) ? 'text' : 'unicode',
        clientRef: message.notificationId,
        callback: this.statusCallbackUrl,
        statusReportReq: true,
      } as Parameters<SMS['send']>[0]);
      const accepted = answer.messages.find((m) => m.status === '0') as { messageId?: string } | undefined;
      if (!accepted?.messageId) throw new ProviderError(this.provider, 'transient', 'no_message_id', 'Vonage accepted the message without an id');
      return { provider: this.provider, providerMessageId: accepted.messageId };
    } catch (error) {
      throw classifyVonageError(error);
    }
  }
}

/** Sender ids may be alphanumeric (`Herald`); numbers lose their `+`. */
function withoutPlus(address: string): string {
  return address.startsWith('+') ? address.slice(1) : address;
}

const GSM7 = /^[\n\r @£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€]*$/;

function isGsm7(text: string): boolean {
  return GSM7.test(text);
}
