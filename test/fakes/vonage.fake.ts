import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { CallLog, closeServer, FailurePlan, InFlight, listenOnLoopback, readBody } from './fake-kit';

export interface VonageCall {
  /** Date.now() when the request was received. */
  at: number;
  /** As Vonage takes numbers: digits, no `+`. */
  to: string;
  from: string;
  text: string;
  type?: string;
  clientRef?: string;
  callback?: string;
  /** Only for accepted messages (status 0). */
  messageId?: string;
  /** HTTP status the fake answered with. */
  httpStatus: number;
  /** The SMS API's per-message status ('0' accepted), when it answered one. */
  status?: string;
}

/**
 * How the fake fails a send: an SMS API status in a 200 answer (`status`: '1' throttled, '5' internal error, '3'
 * invalid number…), an HTTP error (`httpStatus`: 401, 403, 429, 5xx), or no answer at all (`hang`: the request is
 * held, never processed, until the client gives up: an outage seen as timeouts).
 */
export type VonageFailure =
  | { status: string; errorText?: string }
  | { httpStatus: number; retryAfterSeconds?: number }
  | { hang: true };

export type VonageSignatureMethod = 'md5hash' | 'md5hmac' | 'sha1hmac' | 'sha256hmac' | 'sha512hmac';

/** The SMS API's texts for its statuses (https://developer.vonage.com/en/messaging/sms/guides/troubleshooting-sms). */
const STATUS_TEXTS: Record<string, string> = {
  '1': 'Throughput Rate Exceeded - please wait [ 1000 ] and retry',
  '2': 'Missing to param',
  '3': 'Invalid to param',
  '4': 'Bad Credentials',
  '5': 'Internal Error',
  '6': 'Invalid Message',
  '7': 'Number barred',
  '9': 'Partner quota violation',
  '15': 'Illegal Sender Address - rejected',
  '29': 'Non-Whitelisted Destination',
};

const SEND_PATH = '/sms/json';
const MAX_TEXT_LENGTH = 3200;

/**
 * Vonage's webhook signature (https://developer.vonage.com/en/getting-started/concepts/signing-messages): every
 * parameter but `sig`, sorted by name, as `&name=value` with `&` and `=` in values turned into `_`; then MD5 of that
 * followed by the secret (md5hash), or an HMAC of it keyed with the secret. Hex.
 */
export function vonageSignature(secret: string, method: VonageSignatureMethod, params: Record<string, string>): string {
  const signed = Object.keys(params)
    .filter((name) => name !== 'sig')
    .sort()
    .map((name) => `&${name}=${params[name].replace(/[&=]/g, '_')}`)
    .join('');
  if (method === 'md5hash') return createHash('md5').update(signed + secret).digest('hex');
  const hash = { md5hmac: 'md5', sha1hmac: 'sha1', sha256hmac: 'sha256', sha512hmac: 'sha512' }[method];
  return createHmac(hash, secret).update(signed).digest('hex');
}

/** Vonage's official OpenAPI document of the SMS API (specs/vonage-sms.yml): requests, answers and webhooks are checked against it. */
const officialSchemas = (() => {
  const document = parseYaml(readFileSync(join(__dirname, 'specs', 'vonage-sms.yml'), 'utf8')) as { components: { schemas: Record<string, object> } };
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  for (const format of ['vcard', 'vcal', 'binary']) ajv.addFormat(format, true);
  for (const [name, schema] of Object.entries(document.components.schemas)) ajv.addSchema(schema, `#/components/schemas/${name}`);
  const compile = (name: string): ValidateFunction => ajv.getSchema(`#/components/schemas/${name}`)!;
  return { newMessage: compile('NewMessage'), sms: compile('SMS'), error: compile('Error'), receipt: compile('DeliveryReceipt'), inbound: compile('InboundMessage') };
})();

function conform(validate: ValidateFunction, value: unknown, what: string): void {
  if (!validate(value)) throw new Error(`FakeVonage: ${what} does not match Vonage's OpenAPI document: ${JSON.stringify(validate.errors)}`);
}

/** A local stand-in for Vonage's SMS API (rest.nexmo.com): sends, failures, signed delivery receipts and inbound messages. */
export class FakeVonage {
  private readonly log = new CallLog<VonageCall>('FakeVonage');
  readonly calls: VonageCall[] = this.log.items;
  /** Latency before the request is looked at (and a message accepted). */
  delayMs = 0;
  /** Latency after a message is accepted and before the answer leaves: a slow answer, or a timeout after acceptance. */
  answerDelayMs = 0;
  private readonly inFlight = new InFlight();
  private readonly failures = new FailurePlan<VonageFailure>();
  private readonly refusedNumbers = new Map<string, VonageFailure>();
  /** Requests held by a `hang` failure, released (connection dropped) by recover() or close(). */
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly apiKey: string,
    readonly apiSecret: string,
    readonly signatureSecret: string,
    readonly signatureMethod: VonageSignatureMethod,
  ) {}

  /** The environment that points Herald's Vonage provider at this fake, sending from `from`. */
  heraldEnv(from: string): Record<string, string> {
    return {
      VONAGE_API_KEY: this.apiKey,
      VONAGE_API_SECRET: this.apiSecret,
      VONAGE_FROM: from,
      VONAGE_API_URL: this.url,
      VONAGE_SIGNATURE_SECRET: this.signatureSecret,
      VONAGE_SIGNATURE_METHOD: this.signatureMethod,
    };
  }

  static async start(opts: { signatureMethod?: VonageSignatureMethod } = {}): Promise<FakeVonage> {
    const { server, origin } = await listenOnLoopback((req, res) => fake.handle(req, res));
    const fake = new FakeVonage(server, origin, hex(4), hex(8), hex(16), opts.signatureMethod ?? 'sha256hmac');
    return fake;
  }

  async close(): Promise<void> {
    this.dropHanging();
    await closeServer(this.server);
  }

  sent(): VonageCall[] {
    return this.calls.filter(isAccepted);
  }

  waitForSent(count: number, timeoutMs = 10_000): Promise<VonageCall[]> {
    return this.log.waitUntil(count, isAccepted, 'accepted messages', timeoutMs);
  }

  failNext(n: number, failure: VonageFailure): void {
    this.failures.next(n, failure);
  }

  failAlways(failure: VonageFailure): void {
    this.failures.always(failure);
  }

  /** Every message to `to` (E.164, with or without `+`) is refused with `failure`, whatever else is planned; until recover(). */
  failFor(to: string, failure: VonageFailure): void {
    this.refusedNumbers.set(to.replace(/^\+/, ''), failure);
  }

  recover(): void {
    this.refusedNumbers.clear();
    this.failures.recover();
    this.dropHanging();
  }

  /** Posts a signed delivery receipt for an accepted call to its callback URL (or `url`), as JSON like Vonage's default. */
  sendDeliveryReceipt(
    call: VonageCall,
    status: 'delivered' | 'failed' | 'rejected' | 'expired' | 'accepted' | 'buffered',
    opts: { errCode?: string; url?: string; secret?: string; timestamp?: number; apiKey?: string } = {},
  ): Promise<{ status: number; body: string }> {
    const url = opts.url ?? call.callback;
    if (!url) throw new Error('FakeVonage.sendDeliveryReceipt: call has no callback and no url was given');
    if (!call.messageId) throw new Error('FakeVonage.sendDeliveryReceipt: call was not accepted, it has no messageId');
    const params: Record<string, string> = {
      msisdn: call.to,
      to: call.from,
      'network-code': '20801',
      messageId: call.messageId,
      price: '0.03330000',
      status,
      scts: '2601011200',
      'err-code': opts.errCode ?? (status === 'delivered' || status === 'accepted' || status === 'buffered' ? '0' : '1'),
      'api-key': opts.apiKey ?? this.apiKey,
      'message-timestamp': new Date().toISOString().slice(0, 19).replace('T', ' '),
      ...(call.clientRef ? { 'client-ref': call.clientRef } : {}),
    };
    return this.postSigned(url, params, officialSchemas.receipt, 'the delivery receipt', opts);
  }

  /** Posts a signed inbound SMS from `msisdn` to Herald's `to` number (digits or E.164). */
  sendInbound(
    url: string,
    message: { msisdn: string; to: string; text: string },
    opts: { secret?: string; timestamp?: number; form?: boolean } = {},
  ): Promise<{ status: number; body: string }> {
    const text = message.text;
    const params: Record<string, string> = {
      msisdn: message.msisdn.replace(/^\+/, ''),
      to: message.to.replace(/^\+/, ''),
      messageId: `${hex(8).toUpperCase()}`,
      text,
      type: 'text',
      keyword: text.trim().split(/\s+/)[0]?.toUpperCase() ?? '',
      'api-key': this.apiKey,
      'message-timestamp': new Date().toISOString().slice(0, 19).replace('T', ' '),
    };
    return this.postSigned(url, params, officialSchemas.inbound, 'the inbound message', opts);
  }

  private async postSigned(
    url: string,
    params: Record<string, string>,
    schema: ValidateFunction,
    what: string,
    opts: { secret?: string; timestamp?: number; form?: boolean },
  ): Promise<{ status: number; body: string }> {
    const signedParams: Record<string, string> = { ...params, timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)), nonce: randomUUID() };
    signedParams.sig = vonageSignature(opts.secret ?? this.signatureSecret, this.signatureMethod, signedParams);
    conform(schema, signedParams, what);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': opts.form ? 'application/x-www-form-urlencoded' : 'application/json' },
      body: opts.form ? new URLSearchParams(signedParams).toString() : JSON.stringify(signedParams),
    });
    return { status: response.status, body: await response.text() };
  }

  private dropHanging(): void {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
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
    const raw = await readBody(req);
    if (this.delayMs > 0) await sleep(this.delayMs);
    const path = new URL(req.url ?? '/', this.url).pathname;
    if (path !== SEND_PATH || req.method !== 'POST') return sendJson(res, 404, { type: 'https://developer.nexmo.com/api-errors#not-found', title: 'Not Found' });
    const params = parseParams(req, raw);
    const call: VonageCall = {
      at,
      to: String(params.to ?? ''),
      from: String(params.from ?? ''),
      text: String(params.text ?? ''),
      type: params.type === undefined ? undefined : String(params.type),
      clientRef: params['client-ref'] === undefined ? undefined : String(params['client-ref']),
      callback: params.callback === undefined ? undefined : String(params.callback),
      httpStatus: 200,
    };
    const failure = this.refusedNumbers.get(call.to) ?? this.failures.take();
    if (failure && 'hang' in failure) {
      this.log.record({ ...call, httpStatus: 0 });
      this.hanging.add(res);
      return;
    }
    if (failure && 'httpStatus' in failure) {
      this.log.record({ ...call, httpStatus: failure.httpStatus });
      if (failure.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(failure.retryAfterSeconds));
      return sendJson(res, failure.httpStatus, {
        type: `https://developer.nexmo.com/api-errors#${failure.httpStatus}`,
        title: failure.httpStatus === 401 ? 'Unauthorized' : failure.httpStatus === 403 ? 'Forbidden' : 'Server Error',
        detail: `HTTP ${failure.httpStatus}`,
      });
    }
    const credentials = this.credentialsOf(req, params);
    if (credentials.apiKey !== this.apiKey || credentials.apiSecret !== this.apiSecret) {
      if (!req.headers.authorization && credentials.apiKey === undefined) return this.refuse(res, call, '2', 'Missing api_key');
      return this.refuse(res, call, '4', STATUS_TEXTS['4']);
    }
    if (failure) return this.refuse(res, call, failure.status, failure.errorText ?? STATUS_TEXTS[failure.status] ?? 'Error');
    const invalid = validate(call);
    if (invalid) return this.refuse(res, call, invalid.status, invalid.errorText);
    // A request Vonage's own document does not describe is the client's bug, not a provider failure: say so loudly.
    if (!officialSchemas.newMessage({ api_key: credentials.apiKey, ...params })) {
      this.log.record({ ...call, httpStatus: 400 });
      return sendJson(res, 400, { title: 'Bad Request', detail: `not a NewMessage of Vonage's OpenAPI document: ${JSON.stringify(officialSchemas.newMessage.errors)}` });
    }

    const messageId = `${hex(8).toUpperCase()}`;
    this.log.record({ ...call, messageId, status: '0' });
    if (this.answerDelayMs > 0) await sleep(this.answerDelayMs);
    const answer = {
      'message-count': '1',
      messages: [
        {
          to: call.to,
          'message-id': messageId,
          status: '0',
          'remaining-balance': '15.53590000',
          'message-price': '0.03330000',
          network: '20801',
          ...(call.clientRef ? { 'client-ref': call.clientRef } : {}),
        },
      ],
    };
    conform(officialSchemas.sms, answer, 'the answer');
    sendJson(res, 200, answer);
  }

  /** The SMS API answers HTTP 200 with a non-zero status when it refuses a message. */
  private refuse(res: ServerResponse, call: VonageCall, status: string, errorText: string): void {
    this.log.record({ ...call, status });
    const answer = { 'message-count': '1', messages: [{ status, 'error-text': errorText }] };
    conform(officialSchemas.error, answer, 'the refusal');
    sendJson(res, 200, answer);
  }

  /** Basic auth (the SDK's way) or `api_key` and `api_secret` among the parameters (the API's older way). */
  private credentialsOf(req: IncomingMessage, params: Record<string, unknown>): { apiKey?: string; apiSecret?: string } {
    const header = req.headers.authorization;
    if (header?.startsWith('Basic ')) {
      const [apiKey, apiSecret] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
      return { apiKey, apiSecret };
    }
    return { apiKey: params.api_key as string | undefined, apiSecret: params.api_secret as string | undefined };
  }
}

function isAccepted(call: VonageCall): boolean {
  return call.status === '0';
}

function parseParams(req: IncomingMessage, raw: string): Record<string, unknown> {
  if ((req.headers['content-type'] ?? '').startsWith('application/json')) {
    try {
      return JSON.parse(raw || '{}') as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

function validate(call: VonageCall): { status: string; errorText: string } | undefined {
  if (!call.to) return { status: '2', errorText: 'Missing to param' };
  if (!/^\d{7,15}$/.test(call.to)) return { status: '3', errorText: STATUS_TEXTS['3'] };
  if (!call.from) return { status: '2', errorText: 'Missing from param' };
  if (!call.text) return { status: '2', errorText: 'Missing text param' };
  if (call.text.length > MAX_TEXT_LENGTH) return { status: '12', errorText: 'Message too long' };
  return undefined;
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(payload));
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
