import { createHmac, randomBytes } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { CallLog, closeServer, FailurePlan, InFlight, listenOnLoopback, readBody } from './fake-kit';

export interface TwilioCall {
  /** Date.now() when the request was received. */
  at: number;
  to: string;
  from: string;
  body: string;
  statusCallback?: string;
  messagingServiceSid?: string;
  /** Message SID, only for accepted (201) calls. */
  sid?: string;
  /** Segments Twilio reports for the body (`num_segments`), counted by the fake itself: 160/153 GSM-7, 70/67 UCS-2. */
  segments?: number;
  /** HTTP status the fake answered with. */
  status: number;
  /** Twilio error code, only for rejected calls. */
  errorCode?: number;
  /** `whatsapp` when `To` is a `whatsapp:+…` address (set on every call the fake receives). */
  channel?: 'sms' | 'whatsapp';
  /** WhatsApp template sends: the Content SID and the parsed `ContentVariables`. */
  contentSid?: string;
  contentVariables?: Record<string, string>;
}

/**
 * How the fake reports a WhatsApp message its recipient cannot get (not a WhatsApp user: 63003; free-form outside the
 * session window: 63016): in the answer to the create call, or as Twilio mostly does, accepted (201) and then a
 * `failed` status callback carrying the ErrorCode.
 */
export type WhatsAppRefusalMode = 'answer' | 'callback';

export interface TwilioFailure {
  status: number;
  code?: number;
  message?: string;
  retryAfterSeconds?: number;
  /** Answer this text/html body instead of Twilio's JSON error: a proxy or gateway in front of Twilio speaking. */
  raw?: string;
  /**
   * No answer at all: the request is held, never processed, until recover() or close() drops its connection (an
   * outage seen as timeouts). `status` is then only what the call log records (0).
   */
  hang?: boolean;
}

/** One GET of the Messages list (one page), as received. */
export interface TwilioListCall {
  at: number;
  query: Record<string, string>;
  /** HTTP status the fake answered with. */
  status: number;
  /** Messages on the page served. */
  served: number;
}

export type TwilioCallbackStatus = 'delivered' | 'undelivered' | 'sent' | 'failed';

const API_VERSION = '2010-04-01';
const WHATSAPP = 'whatsapp:';
const CONTENT_SID = /^HX[0-9a-fA-F]{32}$/;
/** WhatsApp's customer service window: free-form messages within 24 hours of the user's last message. */
const WHATSAPP_SESSION_MS = 24 * 60 * 60_000;
const CREATE_MESSAGE_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const E164 = /^\+[1-9]\d{6,14}$/;
const MAX_BODY_LENGTH = 1600;
const GSM7_BASIC = /^[\n\r @£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€]*$/;
const GSM7_EXTENDED = /[\^{}\\[~\]|€]/g;

/** Twilio's webhook signature: HMAC-SHA1 over the URL followed by each param name+value sorted by name, base64. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const payload = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + params[name], url);
  return createHmac('sha1', authToken).update(payload, 'utf8').digest('base64');
}

export class FakeTwilio {
  private readonly log = new CallLog<TwilioCall>('FakeTwilio');
  readonly calls: TwilioCall[] = this.log.items;
  /** Latency added before every answer. */
  delayMs = 0;
  private readonly inFlight = new InFlight();
  private held: Promise<void> | null = null;
  /**
   * Runs once a message is accepted and before Twilio's answer leaves, so a test can make a status callback overtake
   * the sender's own bookkeeping of the send.
   */
  onAccepted?: (call: TwilioCall) => Promise<void>;

  /**
   * Latency after a message is accepted (listed) and before Twilio's answer leaves: a slow answer, or, past the
   * client's timeout, a message Twilio took whose answer never arrived.
   */
  answerDelayMs = 0;
  /** Requests held by a `hang` failure. */
  private readonly hanging = new Set<ServerResponse>();

  /** Latency added before answering a Messages list request, on top of `delayMs` (a slow read, a timeout). */
  listDelayMs = 0;
  /** Largest page the list serves: Twilio's maximum is 1000; lower it to make a reader follow `next_page_uri`. */
  listPageSizeLimit = 1000;
  /** Every Messages list request (each page is one). */
  readonly listCalls: TwilioListCall[] = [];

  /** Accepted messages as the API shows them, for the list endpoint. */
  private readonly resources = new Map<string, Record<string, unknown> & { to: string; from: string | null }>();
  private readonly failures = new FailurePlan<TwilioFailure>();
  /** Numbers Twilio always refuses, with how (e.g. 21211 for a number that is not a valid phone number). */
  private readonly refusedNumbers = new Map<string, TwilioFailure>();
  private readonly listFailures = new FailurePlan<TwilioFailure>();
  /** Numbers (E.164) that have WhatsApp: any other `whatsapp:` recipient is refused with 63003. */
  private readonly whatsappUsers = new Set<string>();
  /** When each WhatsApp user last wrote to the business (by sendInbound or openWhatsAppSession): opens its 24-hour window. */
  private readonly whatsappInbound = new Map<string, number>();
  whatsappRefusals: WhatsAppRefusalMode = 'answer';

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly accountSid: string,
    readonly authToken: string,
  ) {}

  static async start(opts: { accountSid?: string; authToken?: string } = {}): Promise<FakeTwilio> {
    const { server, origin } = await listenOnLoopback((req, res) => fake.handle(req, res));
    const fake = new FakeTwilio(server, origin, opts.accountSid ?? `AC${hex(16)}`, opts.authToken ?? hex(16));
    return fake;
  }

  close(): Promise<void> {
    this.dropHanging();
    return closeServer(this.server);
  }

  private dropHanging(): void {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }

  sent(): TwilioCall[] {
    return this.calls.filter(isAccepted);
  }

  /** These numbers (E.164) have WhatsApp. */
  addWhatsAppUsers(...phones: string[]): void {
    for (const phone of phones) this.whatsappUsers.add(phone);
  }

  /** The WhatsApp user at `phone` wrote to the business at `at` (its session window opens then), without a webhook. */
  openWhatsAppSession(phone: string, at = Date.now()): void {
    this.whatsappInbound.set(phone, at);
  }

  /** Accepted WhatsApp messages to `phone` (E.164). */
  whatsappTo(phone: string): TwilioCall[] {
    return this.sent().filter((call) => call.to === `${WHATSAPP}${phone}`);
  }

  waitForSent(count: number, timeoutMs = 10_000): Promise<TwilioCall[]> {
    return this.log.waitUntil(count, isAccepted, 'accepted messages', timeoutMs);
  }

  /** Resolves once `count` accepted messages have the text `body`. */
  waitForSentWithBody(count: number, body: string, timeoutMs = 10_000): Promise<TwilioCall[]> {
    return this.log.waitUntil(count, (call) => isAccepted(call) && call.body === body, `accepted messages saying "${body}"`, timeoutMs);
  }

  /**
   * `count` messages to `to` that another application on the same account sends now: they show in the Messages list,
   * newest of all, but are no call of Herald's (not in `calls`).
   */
  sendFromElsewhere(count: number, to: string, from: string): void {
    for (let i = 0; i < count; i++) {
      const sid = `SM${hex(16)}`;
      const now = rfc2822(new Date());
      this.resources.set(sid, {
        account_sid: this.accountSid,
        api_version: API_VERSION,
        body: `Elsewhere ${i}`,
        date_created: now,
        date_sent: now,
        date_updated: now,
        direction: 'outbound-api',
        from,
        sid,
        status: 'sent',
        to,
        uri: `/${API_VERSION}/Accounts/${this.accountSid}/Messages/${sid}.json`,
      });
    }
  }

  /** Every answer waits until the returned function is called: the sends stay in flight at the provider meanwhile. */
  holdAnswers(): () => void {
    let release!: () => void;
    this.held = new Promise((resolve) => (release = resolve));
    return () => {
      this.held = null;
      release();
    };
  }

  failNext(n: number, reply: TwilioFailure): void {
    this.failures.next(n, reply);
  }

  failAlways(reply: TwilioFailure): void {
    this.failures.always(reply);
  }

  /** Answers Messages list requests with `reply` (e.g. 403 code 20003: an API key without read permission). */
  failListAlways(reply: TwilioFailure): void {
    this.listFailures.always(reply);
  }

  failListNext(n: number, reply: TwilioFailure): void {
    this.listFailures.next(n, reply);
  }

  /** Every message to `to` is refused with `reply`, whatever else is planned; until recover(). */
  failFor(to: string, reply: TwilioFailure): void {
    this.refusedNumbers.set(to, reply);
  }

  recover(): void {
    this.refusedNumbers.clear();
    this.failures.recover();
    this.listFailures.recover();
    this.dropHanging();
  }

  sendStatusCallback(
    call: TwilioCall,
    status: TwilioCallbackStatus,
    opts: { errorCode?: string; authToken?: string; url?: string; accountSid?: string } = {},
  ): Promise<{ status: number; body: string }> {
    const url = opts.url ?? call.statusCallback;
    if (!url) throw new Error('FakeTwilio.sendStatusCallback: call has no StatusCallback and no url was given');
    if (!call.sid) throw new Error('FakeTwilio.sendStatusCallback: call was not accepted, it has no MessageSid');
    const params: Record<string, string> = {
      AccountSid: opts.accountSid ?? this.accountSid,
      ApiVersion: API_VERSION,
      From: call.from,
      MessageSid: call.sid,
      MessageStatus: status,
      SmsSid: call.sid,
      SmsStatus: status,
      To: call.to,
    };
    // Twilio only includes ErrorCode when the message failed.
    if (opts.errorCode !== undefined) params.ErrorCode = opts.errorCode;
    return this.postSigned(url, params, opts.authToken);
  }

  sendInbound(
    url: string,
    message: { from: string; to: string; body: string },
    opts: { authToken?: string } = {},
  ): Promise<{ status: number; body: string }> {
    const sid = `SM${hex(16)}`;
    const whatsappPhone = message.from.startsWith(WHATSAPP) ? message.from.slice(WHATSAPP.length) : null;
    if (whatsappPhone) this.whatsappInbound.set(whatsappPhone, Date.now());
    return this.postSigned(
      url,
      {
        AccountSid: this.accountSid,
        ApiVersion: API_VERSION,
        Body: message.body,
        From: message.from,
        MessageSid: sid,
        NumMedia: '0',
        NumSegments: String(segmentCount(message.body)),
        SmsMessageSid: sid,
        SmsSid: sid,
        SmsStatus: 'received',
        To: message.to,
        ...(whatsappPhone ? { WaId: whatsappPhone.slice(1), ProfileName: 'Customer' } : {}),
      },
      opts.authToken,
    );
  }

  private async postSigned(url: string, params: Record<string, string>, authToken = this.authToken) {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': twilioSignature(authToken, url, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    return { status: response.status, body: await response.text() };
  }

  /** Requests received and not yet answered (sends the provider is still working on). */
  get requestsInFlight(): number {
    return this.inFlight.count;
  }

  private handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return this.inFlight.run(() => this.answer(req, res));
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const form = new URLSearchParams(await readBody(req));
    if (this.delayMs > 0) await sleep(this.delayMs);
    if (this.held) await this.held;

    const path = new URL(req.url ?? '/', this.url).pathname;
    const accountInPath = CREATE_MESSAGE_PATH.exec(path)?.[1];
    if (accountInPath === undefined) {
      return sendError(res, { status: 404, code: 20404, message: `The requested resource ${path} was not found` });
    }
    if (req.method === 'GET') return this.list(req, res, accountInPath);
    if (req.method !== 'POST') return sendError(res, { status: 405, code: 20004, message: 'Method not allowed' });

    const to = form.get('To') ?? '';
    const call: Omit<TwilioCall, 'status'> = {
      at,
      to,
      from: form.get('From') ?? '',
      body: form.get('Body') ?? '',
      statusCallback: form.get('StatusCallback') ?? undefined,
      messagingServiceSid: form.get('MessagingServiceSid') ?? undefined,
      segments: segmentCount(form.get('Body') ?? ''),
      channel: to.startsWith(WHATSAPP) ? 'whatsapp' : 'sms',
      ...(form.has('ContentSid') ? { contentSid: form.get('ContentSid')! } : {}),
      ...(form.has('ContentVariables') ? { contentVariables: parseContentVariables(form.get('ContentVariables')!) ?? undefined } : {}),
    };
    const failure =
      this.refusedNumbers.get(call.to) ?? this.failures.take() ?? this.authFailure(req, accountInPath) ?? validate(form) ?? this.whatsappFailure(form, at);
    if (failure?.hang) {
      this.log.record({ ...call, status: 0 });
      this.hanging.add(res);
      return;
    }
    const deferred = failure && failure.code !== undefined && isWhatsAppRefusal(failure.code) && this.whatsappRefusals === 'callback' ? failure : null;
    if (failure && !deferred) {
      const code = failure.code ?? defaultCode(failure.status);
      this.log.record({ ...call, status: failure.status, errorCode: code });
      return sendError(res, { ...failure, code });
    }

    const sid = `SM${hex(16)}`;
    const now = rfc2822(new Date());
    const uri = `/${API_VERSION}/Accounts/${this.accountSid}/Messages/${sid}.json`;
    const accepted: TwilioCall = { ...call, sid, status: 201 };
    this.log.record(accepted);
    await this.onAccepted?.(accepted);
    this.resources.set(sid, {
      account_sid: this.accountSid,
      api_version: API_VERSION,
      body: call.body,
      date_created: now,
      // The fake hands messages to the carrier at once, so they show up in DateSent filters straight away.
      date_sent: now,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: call.from || null,
      messaging_service_sid: call.messagingServiceSid ?? null,
      num_media: String(form.getAll('MediaUrl').length),
      num_segments: String(call.segments),
      price: null,
      price_unit: 'USD',
      sid,
      // With only a Messaging Service, Twilio answers 'accepted' and picks the sender later.
      status: call.from ? 'queued' : 'accepted',
      subresource_uris: { media: uri.replace(/\.json$/, '/Media.json') },
      to: call.to,
      uri,
    });
    if (this.answerDelayMs > 0) await sleep(this.answerDelayMs);
    sendJson(res, 201, this.resources.get(sid));
    if (deferred) this.failLater(accepted, deferred);
  }

  /**
   * What WhatsApp says of this message: 63003 to a number without WhatsApp, 63016 to a free-form message (no ContentSid)
   * outside the window the recipient's last message opened. Null for SMS and for a message WhatsApp takes.
   */
  private whatsappFailure(form: URLSearchParams, at: number): TwilioFailure | undefined {
    const to = form.get('To') ?? '';
    if (!to.startsWith(WHATSAPP)) return undefined;
    const phone = to.slice(WHATSAPP.length);
    if (!this.whatsappUsers.has(phone)) return { status: 400, code: 63003, message: `Channel could not find To address ${to}` };
    const lastInbound = this.whatsappInbound.get(phone);
    if (!form.has('ContentSid') && (lastInbound === undefined || at - lastInbound >= WHATSAPP_SESSION_MS)) {
      return { status: 400, code: 63016, message: 'Failed to send freeform message because you are outside the allowed window. Please use a Template.' };
    }
    return undefined;
  }

  /** A WhatsApp refusal reported as Twilio mostly does: the message was accepted, then a `failed` callback says why. */
  private failLater(call: TwilioCall, failure: TwilioFailure): void {
    const resource = this.resources.get(call.sid!);
    if (resource) Object.assign(resource, { status: 'failed', error_code: failure.code, error_message: failure.message });
    if (!call.statusCallback) return;
    this.sendStatusCallback(call, 'failed', { errorCode: String(failure.code) }).catch(() => undefined);
  }

  /**
   * GET Messages.json: Twilio's message list, newest first, filtered by `To`, `From` and `DateSent>` as the real API
   * does, a page at a time (`PageSize`, default 50) with `next_page_uri` naming the next page by `Page` and `PageToken`.
   */
  private async list(req: IncomingMessage, res: ServerResponse, accountInPath: string): Promise<void> {
    const at = Date.now();
    const query = new URL(req.url ?? '/', this.url).searchParams;
    const record = (status: number, served: number) => this.listCalls.push({ at, query: Object.fromEntries(query), status, served });
    if (this.listDelayMs > 0) await sleep(this.listDelayMs);
    const failure = this.listFailures.take() ?? this.authFailure(req, accountInPath);
    if (failure?.hang) {
      record(0, 0);
      this.hanging.add(res);
      return;
    }
    if (failure) {
      record(failure.status, 0);
      return sendError(res, { ...failure, code: failure.code ?? defaultCode(failure.status) });
    }
    const to = query.get('To');
    const from = query.get('From');
    const sentAfter = query.get('DateSent>') ? Date.parse(query.get('DateSent>')!) : 0;
    const matching = [...this.resources.values()]
      .filter((m) => (!to || m.to === to) && (!from || m.from === from) && Date.parse(m.date_sent as string) >= Math.floor(sentAfter / 1000) * 1000)
      .reverse();
    const pageSize = Math.min(Number(query.get('PageSize') ?? 50), this.listPageSizeLimit);
    const page = Number(query.get('Page') ?? 0);
    const token = query.get('PageToken');
    const start = token ? matching.findIndex((m) => `PA${m.sid}` === token) + 1 : 0;
    const messages = matching.slice(start, start + pageSize);
    const base = `/${API_VERSION}/Accounts/${this.accountSid}/Messages.json`;
    const filters = new URLSearchParams([...query].filter(([name]) => !['Page', 'PageSize', 'PageToken'].includes(name)));
    const pageUri = (number: number, pageToken?: string) => {
      const params = new URLSearchParams(filters);
      params.set('PageSize', String(pageSize));
      params.set('Page', String(number));
      if (pageToken) params.set('PageToken', pageToken);
      return `${base}?${params}`;
    };
    const more = start + messages.length < matching.length;
    record(200, messages.length);
    sendJson(res, 200, {
      messages,
      end: start + messages.length - 1,
      first_page_uri: pageUri(0),
      next_page_uri: more ? pageUri(page + 1, `PA${messages[messages.length - 1].sid}`) : null,
      page,
      page_size: pageSize,
      previous_page_uri: page > 0 ? pageUri(page - 1, `PB${messages[0]?.sid}`) : null,
      start,
      uri: pageUri(page, token ?? undefined),
    });
  }

  private authFailure(req: IncomingMessage, accountInPath: string): TwilioFailure | undefined {
    const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
    if (req.headers.authorization === expected && accountInPath === this.accountSid) return undefined;
    return { status: 401, code: 20003, message: 'Authenticate' };
  }
}

function isAccepted(call: TwilioCall): boolean {
  return call.status === 201;
}

const isWhatsAppRefusal = (code: number) => code === 63003 || code === 63016;

/** `ContentVariables` as Twilio reads it: a JSON object of strings; null when it is not one. */
function parseContentVariables(text: string): Record<string, string> | null {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
    return Object.values(parsed).every((value) => typeof value === 'string') ? (parsed as Record<string, string>) : null;
  } catch {
    return null;
  }
}

function validate(form: URLSearchParams): TwilioFailure | undefined {
  const rawTo = form.get('To');
  const body = form.get('Body') ?? '';
  if (!rawTo) return { status: 400, code: 21604, message: "A 'To' phone number is required." };
  const whatsapp = rawTo.startsWith(WHATSAPP);
  const to = whatsapp ? rawTo.slice(WHATSAPP.length) : rawTo;
  if (!E164.test(to)) return { status: 400, code: 21211, message: `Invalid 'To' Phone Number: ${rawTo}` };
  if (!form.get('From') && !form.get('MessagingServiceSid')) {
    return { status: 400, code: 21603, message: "A 'From' phone number is required." };
  }
  const from = form.get('From');
  if (from && whatsapp !== from.startsWith(WHATSAPP)) {
    return { status: 400, code: 21910, message: 'Invalid From and To pair. From and To should be of the same channel' };
  }
  const contentSid = form.get('ContentSid');
  if (contentSid !== null && !CONTENT_SID.test(contentSid)) return { status: 400, code: 21655, message: 'The ContentSid is Invalid.' };
  const variables = form.get('ContentVariables');
  if (variables !== null && (contentSid === null || parseContentVariables(variables) === null)) {
    return { status: 400, code: 21656, message: 'The ContentVariables Parameter is invalid.' };
  }
  if (!body && !form.has('MediaUrl') && !form.has('ContentSid')) {
    return { status: 400, code: 21602, message: 'Message body is required.' };
  }
  if (body.length > MAX_BODY_LENGTH) {
    return { status: 400, code: 21617, message: 'The concatenated message body exceeds the 1600 character limit.' };
  }
  return undefined;
}

function defaultCode(status: number): number {
  return status === 401 ? 20003 : 20000 + status;
}

function sendError(res: ServerResponse, failure: TwilioFailure & { code: number }): void {
  if (failure.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(failure.retryAfterSeconds));
  if (failure.raw !== undefined) {
    res.writeHead(failure.status, { 'Content-Type': 'text/html; charset=utf-8' }).end(failure.raw);
    return;
  }
  if (failure.status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="Twilio API"');
  sendJson(res, failure.status, {
    code: failure.code,
    message: failure.message ?? `HTTP ${failure.status}`,
    more_info: `https://www.twilio.com/docs/errors/${failure.code}`,
    status: failure.status,
  });
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Twilio-Request-Id': `RQ${hex(16)}` });
  res.end(JSON.stringify(payload));
}

function segmentCount(body: string): number {
  if (body.length === 0) return 1;
  const gsm = GSM7_BASIC.test(body);
  const units = gsm ? body.length + (body.match(GSM7_EXTENDED)?.length ?? 0) : body.length;
  const [single, concatenated] = gsm ? [160, 153] : [70, 67];
  return units <= single ? 1 : Math.ceil(units / concatenated);
}

function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
