import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface SlackMessage {
  /** Date.now() when the request was received. */
  at: number;
  text?: string;
  blocks?: unknown[];
  /** The request body exactly as received. */
  raw: string;
}

export class FakeSlack {
  /** Accepted messages only. */
  readonly messages: SlackMessage[] = [];
  /** Every POST to the webhook, accepted or not. */
  attempts = 0;

  private readonly events = new EventEmitter();
  private pendingFailures = 0;
  private failure = { status: 500, retryAfterSeconds: 1 };

  private constructor(
    private readonly server: Server,
    /** The full incoming-webhook URL. */
    readonly url: string,
  ) {}

  static async start(): Promise<FakeSlack> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const secret = randomBytes(12).toString('hex');
    const fake = new FakeSlack(server, `http://127.0.0.1:${port}/services/T00000000/B00000000/${secret}`);
    server.on('request', (req, res) => void fake.handle(req, res));
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next n posts answer `status`; a 429 carries a Retry-After header like Slack's rate limiter. */
  failNext(n: number, status: number, retryAfterSeconds = 1): void {
    this.pendingFailures = n;
    this.failure = { status, retryAfterSeconds };
  }

  waitForMessages(count: number, timeoutMs = 10_000): Promise<SlackMessage[]> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.messages.length < count) return;
        cleanup();
        resolve(this.messages);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`FakeSlack: expected at least ${count} messages within ${timeoutMs}ms, got ${this.messages.length}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off('change', check);
      };
      this.events.on('change', check);
      check();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const raw = await readBody(req);
    if (req.url !== new URL(this.url).pathname) return reply(res, 404, 'no_service');
    if (req.method !== 'POST') return reply(res, 405, 'invalid_method');
    this.attempts += 1;

    if (this.pendingFailures > 0) {
      this.pendingFailures -= 1;
      const { status, retryAfterSeconds } = this.failure;
      if (status === 429) res.setHeader('Retry-After', String(retryAfterSeconds));
      return reply(res, status, status === 429 ? 'rate_limited' : 'internal_error');
    }

    const payload = parsePayload(req.headers['content-type'] ?? '', raw);
    if (!payload) return reply(res, 400, 'invalid_payload');
    const text = typeof payload.text === 'string' ? payload.text : undefined;
    const blocks = Array.isArray(payload.blocks) ? (payload.blocks as unknown[]) : undefined;
    if (!text && !blocks?.length) return reply(res, 400, 'no_text');

    this.messages.push({ at, text, blocks, raw });
    this.events.emit('change');
    reply(res, 200, 'ok');
  }
}

/** Slack webhooks take a JSON body, or a form with the JSON in a `payload` field. */
function parsePayload(contentType: string, raw: string): Record<string, unknown> | undefined {
  const json = contentType.startsWith('application/x-www-form-urlencoded')
    ? new URLSearchParams(raw).get('payload') ?? ''
    : raw;
  try {
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain' });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
