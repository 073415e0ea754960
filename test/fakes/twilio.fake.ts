import { createHmac, randomBytes } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { CallLog, closeServer, FailurePlan, listenOnLoopback, readBody } from './fake-kit';

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
  /** HTTP status the fake answered with. */
  status: number;
  /** Twilio error code, only for rejected calls. */
  errorCode?: number;
}

export interface TwilioFailure {
  status: number;
  code?: number;
  message?: string;
  retryAfterSeconds?: number;
}

export type TwilioCallbackStatus = 'delivered' | 'undelivered' | 'sent' | 'failed';

const API_VERSION = '2010-04-01';
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
  /**
   * Runs once a message is accepted and before Twilio's answer leaves, so a test can make a status callback overtake
   * the sender's own bookkeeping of the send.
   */
  onAccepted?: (call: TwilioCall) => Promise<void>;

  /** Accepted messages as the API shows them, for the list endpoint. */
  private readonly resources = new Map<string, Record<string, unknown> & { to: string }>();
  private readonly failures = new FailurePlan<TwilioFailure>();

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
    return closeServer(this.server);
  }

  sent(): TwilioCall[] {
    return this.calls.filter(isAccepted);
  }

  waitForSent(count: number, timeoutMs = 10_000): Promise<TwilioCall[]> {
    return this.log.waitUntil(count, isAccepted, 'accepted messages', timeoutMs);
  }

  failNext(n: number, reply: TwilioFailure): void {
    this.failures.next(n, reply);
  }

  failAlways(reply: TwilioFailure): void {
    this.failures.always(reply);
  }

  recover(): void {
    this.failures.recover();
  }

  sendStatusCallback(
    call: TwilioCall,
    status: TwilioCallbackStatus,
    opts: { errorCode?: string; authToken?: string; url?: string } = {},
  ): Promise<{ status: number; body: string }> {
    const url = opts.url ?? call.statusCallback;
    if (!url) throw new Error('FakeTwilio.sendStatusCallback: call has no StatusCallback and no url was given');
    if (!call.sid) throw new Error('FakeTwilio.sendStatusCallback: call was not accepted, it has no MessageSid');
    const params: Record<string, string> = {
      AccountSid: this.accountSid,
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

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const form = new URLSearchParams(await readBody(req));
    if (this.delayMs > 0) await sleep(this.delayMs);

    const path = new URL(req.url ?? '/', this.url).pathname;
    const accountInPath = CREATE_MESSAGE_PATH.exec(path)?.[1];
    if (accountInPath === undefined) {
      return sendError(res, { status: 404, code: 20404, message: `The requested resource ${path} was not found` });
    }
    if (req.method === 'GET') return this.list(req, res);
    if (req.method !== 'POST') return sendError(res, { status: 405, code: 20004, message: 'Method not allowed' });

    const call: Omit<TwilioCall, 'status'> = {
      at,
      to: form.get('To') ?? '',
      from: form.get('From') ?? '',
      body: form.get('Body') ?? '',
      statusCallback: form.get('StatusCallback') ?? undefined,
      messagingServiceSid: form.get('MessagingServiceSid') ?? undefined,
    };
    const failure = this.failures.take() ?? this.authFailure(req, accountInPath) ?? validate(form);
    if (failure) {
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
      num_segments: String(segmentCount(call.body)),
      price: null,
      price_unit: 'USD',
      sid,
      // With only a Messaging Service, Twilio answers 'accepted' and picks the sender later.
      status: call.from ? 'queued' : 'accepted',
      subresource_uris: { media: uri.replace(/\.json$/, '/Media.json') },
      to: call.to,
      uri,
    });
    sendJson(res, 201, this.resources.get(sid));
  }

  /** GET Messages.json: Twilio's message list, filtered by `To` and `DateSent>` as the real API does. */
  private list(req: IncomingMessage, res: ServerResponse): void {
    const query = new URL(req.url ?? '/', this.url).searchParams;
    const to = query.get('To');
    const sentAfter = query.get('DateSent>') ? Date.parse(query.get('DateSent>')!) : 0;
    const messages = [...this.resources.values()].filter(
      (m) => (!to || m.to === to) && Date.parse(m.date_created as string) >= Math.floor(sentAfter / 1000) * 1000,
    );
    const uri = `/${API_VERSION}/Accounts/${this.accountSid}/Messages.json`;
    sendJson(res, 200, { messages, end: messages.length - 1, first_page_uri: uri, next_page_uri: null, page: 0, page_size: 50, previous_page_uri: null, start: 0, uri });
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

function validate(form: URLSearchParams): TwilioFailure | undefined {
  const to = form.get('To');
  const body = form.get('Body') ?? '';
  if (!to) return { status: 400, code: 21604, message: "A 'To' phone number is required." };
  if (!E164.test(to)) return { status: 400, code: 21211, message: `Invalid 'To' Phone Number: ${to}` };
  if (!form.get('From') && !form.get('MessagingServiceSid')) {
    return { status: 400, code: 21603, message: "A 'From' phone number is required." };
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
