import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface SendGridCall {
  /** Date.now() when the request was received. */
  at: number;
  to: string[];
  from: string;
  subject?: string;
  text?: string;
  html?: string;
  templateId?: string;
  customArgs?: Record<string, string>;
  /** X-Message-Id, only for accepted (202) calls. */
  messageId?: string;
  /** HTTP status the fake answered with. */
  status: number;
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
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ERRORS_HELP = 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html';

export class FakeSendGrid {
  readonly calls: SendGridCall[] = [];
  /** Latency added before every answer. */
  delayMs = 0;

  private readonly events = new EventEmitter();
  private pendingFailures = 0;
  private failure?: SendGridFailure;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly apiKey: string,
  ) {}

  static async start(opts: { apiKey?: string } = {}): Promise<FakeSendGrid> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const apiKey = opts.apiKey ?? `SG.${randomBytes(16).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
    const fake = new FakeSendGrid(server, `http://127.0.0.1:${port}`, apiKey);
    server.on('request', (req, res) => void fake.handle(req, res));
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  sent(): SendGridCall[] {
    return this.calls.filter((call) => call.status === 202);
  }

  waitForSent(count: number, timeoutMs = 10_000): Promise<SendGridCall[]> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.sent().length < count) return;
        cleanup();
        resolve(this.sent());
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`FakeSendGrid: expected at least ${count} accepted mails within ${timeoutMs}ms, got ${this.sent().length}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off('change', check);
      };
      this.events.on('change', check);
      check();
    });
  }

  failNext(n: number, reply: SendGridFailure): void {
    this.pendingFailures = n;
    this.failure = reply;
  }

  failAlways(reply: SendGridFailure): void {
    this.failNext(Number.POSITIVE_INFINITY, reply);
  }

  recover(): void {
    this.pendingFailures = 0;
    this.failure = undefined;
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
    const failure = this.takeFailure();
    if (failure) {
      this.record({ ...call, status: failure.status });
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
      this.record({ ...call, status: rejection.status });
      return sendErrors(res, rejection.status, rejection.errors);
    }

    const messageId = randomBytes(16).toString('base64url');
    this.record({ ...call, messageId, status: 202 });
    res.writeHead(202, { 'X-Message-Id': messageId });
    res.end();
  }

  private authRejection(authorization: string | undefined): Rejection | undefined {
    if (authorization === `Bearer ${this.apiKey}`) return undefined;
    const message =
      authorization === undefined ? 'authorization required' : 'The provided authorization grant is invalid, expired, or revoked';
    return { status: 401, errors: [generalError(message)] };
  }

  private takeFailure(): SendGridFailure | undefined {
    if (this.pendingFailures <= 0 || !this.failure) return undefined;
    this.pendingFailures -= 1;
    return this.failure;
  }

  private record(call: SendGridCall): void {
    this.calls.push(call);
    this.events.emit('change');
  }
}

type Json = Record<string, unknown>;

interface Rejection {
  status: number;
  errors: SendGridError[];
}

function validationRejection(mail: Json | undefined): Rejection | undefined {
  const errors = mail === undefined ? [generalError('Bad Request')] : validate(mail);
  return errors.length > 0 ? { status: 400, errors } : undefined;
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
    subject: stringOrUndefined(first?.subject ?? mail?.subject),
    text: contentOfType('text/plain'),
    html: contentOfType('text/html'),
    templateId: stringOrUndefined(mail?.template_id),
    customArgs: Object.keys(customArgs).length > 0 ? customArgs : undefined,
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

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
