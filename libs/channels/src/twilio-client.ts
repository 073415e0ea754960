import twilio from 'twilio';
import type { RequestOptions } from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';
import { Agent, type Dispatcher } from 'undici';
import type { HeraldConfig } from '@herald/config';
import { isAmbiguousNetworkError, isTransientStatus, ProviderError, parseRetryAfter } from './provider.error';

/** The Twilio account, as config gives it (its `from` is the SMS sender's business). */
export type TwilioSettings = NonNullable<HeraldConfig['twilio']>;

/** Twilio error codes that no retry can fix (https://www.twilio.com/docs/api/errors). */
const PERMANENT_TWILIO_CODES = new Set([
  21211, 21408, 21610, 21612, 21614, 21606, 21602, 21617, 30003, 30004, 30005, 30006,
  // WhatsApp: the recipient cannot get it (see WHATSAPP_UNREACHABLE_CODES); the sender or its account is not set up for
  // WhatsApp (63001 channel authentication, 63007 no WhatsApp sender at `From`); the message itself is refused
  // (21656 invalid ContentVariables, 63005 and 63013 content or policy, 63021 too long, 63027-63030 template and parameters).
  63003, 63016, 63024, 63032, 63049, 63001, 63007, 21656, 63005, 63013, 63021, 63027, 63028, 63029, 63030,
]);

/** Twilio error codes worth a retry whatever the HTTP status says: WhatsApp's rate limits (63018, per second; 63038, per day). */
const TRANSIENT_TWILIO_CODES = new Set([63018, 63038]);

/**
 * WhatsApp codes saying this recipient cannot get this WhatsApp message, where an SMS may well reach it: not a WhatsApp
 * user or not a valid recipient (63003, 63024), a free-form message outside the 24-hour session window (63016), held
 * back by Meta (63032 the user's number takes part in an experiment, 63049 a marketing message Meta chose not to deliver).
 */
export const WHATSAPP_UNREACHABLE_CODES: ReadonlySet<string> = new Set(['63003', '63016', '63024', '63032', '63049']);

const TWILIO_DEFAULT_ORIGIN = 'https://api.twilio.com';

function isPermanent(status: number | undefined, code: number | undefined): boolean {
  if (code !== undefined && TRANSIENT_TWILIO_CODES.has(code)) return false;
  return (code !== undefined && PERMANENT_TWILIO_CODES.has(code)) || !isTransientStatus(status);
}

export function classifyTwilioFailure(status: number | undefined, code: number | undefined, message: string, retryAfterMs?: number): ProviderError {
  const permanent = isPermanent(status, code);
  const codeText = code !== undefined ? String(code) : status !== undefined ? `http_${status}` : 'network';
  return new ProviderError('twilio', permanent ? 'permanent' : 'transient', codeText, message, permanent ? undefined : retryAfterMs);
}

/**
 * The SDK's HTTP client, sent to `TWILIO_API_URL` (a proxy, a regional edge or a test fake) and made to report provider
 * failures as classified ProviderErrors carrying the response's Retry-After, which the SDK would drop.
 *
 * The SDK still builds every request and reads every answer; only the transport is undici's connection pool instead
 * of the SDK's axios over Node's `https` agent, which cost the worker about as much CPU per SMS as everything else
 * Herald does for it (see docs/benchmarks.md, *delivery*). Where the SDK's environment settings apply (`HTTP_PROXY`,
 * `TWILIO_CA_BUNDLE`), or a request authenticates another way, the SDK's own transport is used as it is.
 */
class HeraldTwilioRequestClient extends twilio.RequestClient {
  private readonly pool: Agent | null;
  /** The last credentials' Basic header: every send carries the same account's, so it is encoded once. */
  private basic: { username: string; password: string; header: string } | null = null;

  constructor(
    private readonly origin: URL | null,
    timeoutMs: number,
    maxConnections: number,
    sdkTransport: boolean,
  ) {
    super({ timeout: timeoutMs, keepAlive: true, maxSockets: maxConnections, maxTotalSockets: maxConnections });
    this.pool = sdkTransport
      ? null
      : new Agent({ connections: maxConnections, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connect: { timeout: timeoutMs } });
  }

  override async request<TData>(opts: RequestOptions<TData>): Promise<Response<TData>> {
    const uri = new URL(opts.uri);
    if (this.origin) {
      uri.protocol = this.origin.protocol;
      uri.host = this.origin.host;
    }
    const response =
      this.pool && opts.username && opts.password
        ? await this.send<TData>(this.pool, uri, opts)
        : await super.request<TData>({ ...opts, uri: uri.toString() });
    if (response.statusCode >= 400) {
      const body = (typeof response.body === 'string' ? safeJson(response.body) : response.body) as { code?: number; message?: string } | null;
      const headers = response.headers as Record<string, string | string[] | undefined>;
      const retryAfter = headers['retry-after'];
      throw classifyTwilioFailure(
        response.statusCode,
        body?.code,
        body?.message ?? `Twilio answered HTTP ${response.statusCode}`,
        parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter),
      );
    }
    return response;
  }

  /** The request as the SDK's client makes it (Basic auth, form or JSON body, repeated keys for lists), over the pool. */
  private async send<TData>(pool: Agent, uri: URL, opts: RequestOptions<TData>): Promise<Response<TData>> {
    const headers: Record<string, string> = { ...(opts.headers as Record<string, string> | undefined) };
    headers.Authorization = this.basicAuthorization(opts.username!, opts.password!);
    if (opts.params) appendForm(uri.searchParams, opts.params);
    let body: string | undefined;
    if (opts.data) {
      const contentType = headers['Content-Type'];
      if (contentType === 'application/x-www-form-urlencoded') body = appendForm(new URLSearchParams(), opts.data).toString();
      else if (contentType === 'application/json') body = JSON.stringify(opts.data);
    }
    const answer = await pool.request({
      origin: uri.origin,
      path: `${uri.pathname}${uri.search}`,
      method: opts.method.toUpperCase() as Dispatcher.HttpMethod,
      headers,
      body,
    });
    // The SDK parses a string body itself, as it does for its own client's.
    const text = await answer.body.text();
    return { statusCode: answer.statusCode, body: text as TData, headers: answer.headers } as Response<TData>;
  }

  private basicAuthorization(username: string, password: string): string {
    if (this.basic?.username !== username || this.basic.password !== password) {
      this.basic = { username, password, header: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
    }
    return this.basic.header;
  }
}

/** Form encoding as the SDK's (`qs`, arrayFormat "repeat"): a list repeats its key, dates go as ISO 8601, unset values are left out. */
function appendForm(form: URLSearchParams, values: object): URLSearchParams {
  for (const [key, value] of Object.entries(values)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined) continue;
      form.append(key, item === null ? '' : item instanceof Date ? item.toISOString() : String(item));
    }
  }
  return form;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The account's Messages resource through the official SDK, over Herald's transport (see HeraldTwilioRequestClient). */
export function twilioMessages(settings: TwilioSettings, timeoutMs: number, maxConnections: number): twilio.Twilio['messages'] {
  const origin = settings.apiUrl.replace(/\/+$/, '') === TWILIO_DEFAULT_ORIGIN ? null : new URL(settings.apiUrl);
  const client = twilio(settings.accountSid, settings.authToken, {
    httpClient: new HeraldTwilioRequestClient(origin, timeoutMs, maxConnections, settings.sdkTransport),
  });
  return client.messages;
}

/** A Twilio failure as the SDK throws it (or one already classified), classified. */
export function classifyTwilioError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const failure = error as { status?: number; code?: number | string; message?: string };
  if (failure.status === undefined && isAmbiguousNetworkError(error)) {
    // Timed out or cut after the request went: Twilio may have the message (the takeover lookup can tell).
    return new ProviderError('twilio', 'transient', 'timeout', failure.message ?? String(error), undefined, true);
  }
  // Network failures (refused, reset, timeout) carry no HTTP status: always worth a retry.
  return classifyTwilioFailure(failure.status, typeof failure.code === 'number' ? failure.code : undefined, failure.message ?? String(error));
}
