import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { KeyObject, randomBytes, sign } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { CallLog, closeServer, FailurePlan, listenOnLoopback, readBody } from './fake-kit';
import mailSendSchema from './specs/sendgrid-mail-send.schema.json';

export interface SendGridCall {
  /** Date.now() when the request was received. */
  at: number;
  to: string[];
  from: string;
  /** The sender's display name, when the mail gives one. */
  fromName?: string;
  subject?: string;
  text?: string;
  html?: string;
  templateId?: string;
  customArgs?: Record<string, string>;
  /** Files attached to the mail, decoded from their base64. */
  attachments?: SendGridAttachment[];
  /** X-Message-Id, only for accepted (202) calls. */
  messageId?: string;
  /** HTTP status the fake answered with; 0 for a call it never answered (hangNext). */
  status: number;
}

export interface SendGridAttachment {
  filename: string;
  type?: string;
  disposition?: string;
  content: Buffer;
}

export interface SendGridFailure {
  status: number;
  message?: string;
  retryAfterSeconds?: number;
}

interface SendGridError {
  message: string;
  field: string | null;
  help: string | null;
}

const MAIL_SEND_PATH = '/v3/mail/send';

/** SendGrid's own OpenAPI schema of a mail send: every request the fake accepts, the official document accepts. */
const matchesOfficialSchema = (() => {
  const ajv = new Ajv({ allErrors: true });
  ajv.addKeyword('example');
  addFormats(ajv);
  return ajv.compile(mailSendSchema);
})();
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ERRORS_HELP = 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html';

export class FakeSendGrid {
  private readonly log = new CallLog<SendGridCall>('FakeSendGrid');
  readonly calls: SendGridCall[] = this.log.items;
  /** Latency added before every answer. */
  delayMs = 0;

  private readonly failures = new FailurePlan<SendGridFailure>();
  private hangs = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly apiKey: string,
  ) {}

  static async start(opts: { apiKey?: string } = {}): Promise<FakeSendGrid> {
    const apiKey = opts.apiKey ?? `SG.${randomBytes(16).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
    const { server, origin } = await listenOnLoopback((req, res) => fake.handle(req, res));
    const fake = new FakeSendGrid(server, origin, apiKey);
    return fake;
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  sent(): SendGridCall[] {
    return this.calls.filter(isAccepted);
  }

  waitForSent(count: number, timeoutMs = 10_000): Promise<SendGridCall[]> {
    return this.log.waitUntil(count, isAccepted, 'accepted mails', timeoutMs);
  }

  /**
   * Posts events to Herald's event webhook as SendGrid does: a JSON array signed with the key whose public half Herald
   * has (SENDGRID_WEBHOOK_PUBLIC_KEY). Custom args ride along as top-level fields (`notificationId`).
   */
  async postEvents(url: string, privateKey: KeyObject, events: object[]): Promise<number> {
    const body = `${JSON.stringify(events)}\r\n`;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'X-Twilio-Email-Event-Webhook-Signature': sendGridEventSignature(privateKey, timestamp, body),
        'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
      },
    });
    return response.status;
  }

  failNext(n: number, reply: SendGridFailure): void {
    this.failures.next(n, reply);
  }

  failAlways(reply: SendGridFailure): void {
    this.failures.always(reply);
  }

  recover(): void {
    this.failures.recover();
  }

  /**
   * The next n calls are received and recorded (status 0) but never answered: the caller waits until its own timeout,
   * or until it dies (a test kills a worker in the middle of its call). Nothing is sent for them.
   */
  hangNext(n: number): void {
    this.hangs = n;
  }

  /** Resolves once `count` calls have arrived, answered or not. */
  waitForCalls(count: number, timeoutMs = 10_000): Promise<SendGridCall[]> {
    return this.log.waitUntil(count, () => true, 'calls', timeoutMs);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const raw = await readBody(req);
    if (this.delayMs > 0) await sleep(this.delayMs);

    if (new URL(req.url ?? '/', this.url).pathname !== MAIL_SEND_PATH) {
      return sendErrors(res, 404, [generalError('Not Found')]);
    }
    if (req.method !== 'POST') return sendErrors(res, 405, [generalError('Method Not Allowed')]);

    const mail = parseJson(raw);
    const call = { at, ...summarize(mail) };
    if (this.hangs > 0) {
      this.hangs -= 1;
      this.log.record({ ...call, status: 0 });
      return;
    }
    const failure = this.failures.take();
    if (failure) {
      this.log.record({ ...call, status: failure.status });
      const reset = failure.retryAfterSeconds;
      if (reset !== undefined) {
        res.setHeader('Retry-After', String(reset));
        // SendGrid's own rate-limit signal: the unix time at which the quota resets.
        res.setHeader('X-RateLimit-Reset', String(Math.ceil(Date.now() / 1000) + reset));
      }
      return sendErrors(res, failure.status, [generalError(failure.message ?? defaultMessage(failure.status))]);
    }

    const rejection = this.authRejection(req.headers.authorization) ?? validationRejection(mail);
    if (rejection) {
      this.log.record({ ...call, status: rejection.status });
      return sendErrors(res, rejection.status, rejection.errors);
    }

    const messageId = randomBytes(16).toString('base64url');
    this.log.record({ ...call, messageId, status: 202 });
    res.writeHead(202, { 'X-Message-Id': messageId });
    res.end();
  }

  private authRejection(authorization: string | undefined): Rejection | undefined {
    if (authorization === `Bearer ${this.apiKey}`) return undefined;
    const message =
      authorization === undefined ? 'authorization required' : 'The provided authorization grant is invalid, expired, or revoked';
    return { status: 401, errors: [generalError(message)] };
  }
}

type Json = Record<string, unknown>;

interface Rejection {
  status: number;
  errors: SendGridError[];
}

function isAccepted(call: SendGridCall): boolean {
  return call.status === 202;
}

function validationRejection(mail: Json | undefined): Rejection | undefined {
  if (mail === undefined) return { status: 400, errors: [generalError('Bad Request')] };
  const schemaErrors = officialSchemaErrors(mail);
  const errors = schemaErrors.length > 0 ? schemaErrors : validate(mail);
  return errors.length > 0 ? { status: 400, errors } : undefined;
}

/** What the official document says is wrong, in SendGrid's error shape (`field` as `personalizations.0.to.0.email`). */
function officialSchemaErrors(mail: Json): SendGridError[] {
  if (matchesOfficialSchema(mail)) return [];
  return (matchesOfficialSchema.errors ?? []).map((error) => ({
    field: error.instancePath.slice(1).replace(/\//g, '.') || null,
    message: `${error.message ?? 'invalid'} (SendGrid's OpenAPI document, POST /v3/mail/send)`,
    help: null,
  }));
}

/** SendGrid's event webhook signature: ECDSA P-256 / SHA-256 over timestamp + raw body, DER, base64. */
export function sendGridEventSignature(privateKey: KeyObject, timestamp: string, body: string): string {
  return sign('sha256', Buffer.from(timestamp + body), privateKey).toString('base64');
}

function validate(mail: Json): SendGridError[] {
  const errors: SendGridError[] = [];
  const fail = (field: string, message: string): void => {
    errors.push({ field, message, help: `${ERRORS_HELP}#message.${field.replace(/\.\d+/g, '')}` });
  };
  const personalizations = records(mail.personalizations);
  if (personalizations.length === 0) {
    fail('personalizations', 'The personalizations field is required and must have at least one personalization.');
  }
  personalizations.forEach((personalization, i) => {
    const to = records(personalization.to);
    if (to.length === 0) {
      fail(
        `personalizations.${i}.to`,
        'The to array is required for all personalization objects, and must have at least one email object with a valid email address.',
      );
    }
    to.forEach((recipient, j) => {
      if (!isEmail(recipient.email)) fail(`personalizations.${i}.to.${j}.email`, 'Does not contain a valid address.');
    });
  });
  const from = asRecord(mail.from);
  if (!isEmail(from?.email)) {
    fail('from.email', 'The from object must be provided for every email send. It is an object that requires the email parameter.');
  }

  // A template supplies its own subject and content.
  const usesTemplate = typeof mail.template_id === 'string' && mail.template_id !== '';
  const everyPersonalizationHasSubject = personalizations.length > 0 && personalizations.every((p) => nonEmpty(p.subject));
  if (!usesTemplate && !nonEmpty(mail.subject) && !everyPersonalizationHasSubject) {
    fail('subject', 'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.');
  }
  const content = records(mail.content);
  if (!usesTemplate && content.length === 0) {
    fail('content', 'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block.');
  }
  content.forEach((block, i) => {
    if (!nonEmpty(block.type)) fail(`content.${i}.type`, 'The content type must be a string at least one character in length.');
    if (!nonEmpty(block.value)) fail(`content.${i}.value`, 'The content value must be a string at least one character in length.');
  });
  const customArgsAt = (scope: Json, prefix: string): void => {
    for (const [key, value] of Object.entries(asRecord(scope.custom_args) ?? {})) {
      if (typeof value !== 'string') fail(`${prefix}custom_args.${key}`, 'Custom arguments must be strings.');
    }
  };
  records(mail.attachments).forEach((attachment, i) => {
    if (!nonEmpty(attachment.content)) fail(`attachments.${i}.content`, 'The attachment content is required.');
    if (!nonEmpty(attachment.filename)) fail(`attachments.${i}.filename`, 'The attachment filename parameter is required.');
  });
  customArgsAt(mail, '');
  personalizations.forEach((personalization, i) => customArgsAt(personalization, `personalizations.${i}.`));
  return errors;
}

function summarize(mail: Json | undefined): Omit<SendGridCall, 'at' | 'status'> {
  const personalizations = records(mail?.personalizations);
  const first = personalizations[0];
  const contentOfType = (type: string): string | undefined => {
    return stringOrUndefined(records(mail?.content).find((block) => block.type === type)?.value);
  };
  const customArgs = { ...asRecord(mail?.custom_args), ...asRecord(first?.custom_args) } as Record<string, string>;
  return {
    to: personalizations.flatMap((p) => records(p.to).map((recipient) => String(recipient.email))),
    from: String(asRecord(mail?.from)?.email ?? ''),
    fromName: stringOrUndefined(asRecord(mail?.from)?.name),
    subject: stringOrUndefined(first?.subject ?? mail?.subject),
    text: contentOfType('text/plain'),
    html: contentOfType('text/html'),
    templateId: stringOrUndefined(mail?.template_id),
    customArgs: Object.keys(customArgs).length > 0 ? customArgs : undefined,
    attachments: mail?.attachments === undefined ? undefined : records(mail.attachments).map(decodeAttachment),
  };
}

function decodeAttachment(attachment: Json): SendGridAttachment {
  return {
    filename: String(attachment.filename ?? ''),
    type: stringOrUndefined(attachment.type),
    disposition: stringOrUndefined(attachment.disposition),
    content: Buffer.from(String(attachment.content ?? ''), 'base64'),
  };
}

function generalError(message: string): SendGridError {
  return { message, field: null, help: null };
}

function defaultMessage(status: number): string {
  if (status === 429) return 'too many requests';
  if (status >= 500) return 'internal server error';
  return 'Bad Request';
}

function sendErrors(res: ServerResponse, status: number, errors: SendGridError[]): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ errors }));
}

function parseJson(raw: string): Json | undefined {
  try {
    return asRecord(JSON.parse(raw));
  } catch {
    return undefined;
  }
}

function asRecord(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function records(value: unknown): Json[] {
  return Array.isArray(value) ? value.map((item) => asRecord(item) ?? {}) : [];
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0;
}

function isEmail(value: unknown): boolean {
  return typeof value === 'string' && EMAIL.test(value);
}
