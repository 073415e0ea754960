import { randomBytes } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse } from 'node:http';
import { CallLog, closeServer, FailurePlan, listenOnLoopback, readBody } from './fake-kit';

export interface SlackMessage {
  /** Date.now() when the request was received. */
  at: number;
  text?: string;
  blocks?: unknown[];
  /** The request body exactly as received. */
  raw: string;
}

export class FakeSlack {
  private readonly log = new CallLog<SlackMessage>('FakeSlack');
  /** Accepted messages only. */
  readonly messages: SlackMessage[] = this.log.items;
  /** Every POST to the webhook, accepted or not. */
  attempts = 0;

  private readonly failures = new FailurePlan<{ status: number; retryAfterSeconds: number }>();

  private constructor(
    private readonly server: Server,
    /** The full incoming-webhook URL. */
    readonly url: string,
  ) {}

  static async start(): Promise<FakeSlack> {
    const secret = randomBytes(12).toString('hex');
    const { server, origin } = await listenOnLoopback((req, res) => fake.handle(req, res));
    const fake = new FakeSlack(server, `${origin}/services/T00000000/B00000000/${secret}`);
    return fake;
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  /** The next n posts answer `status`; a 429 carries a Retry-After header like Slack's rate limiter. */
  failNext(n: number, status: number, retryAfterSeconds = 1): void {
    this.failures.next(n, { status, retryAfterSeconds });
  }

  waitForMessages(count: number, timeoutMs = 10_000): Promise<SlackMessage[]> {
    return this.log.waitUntil(count, () => true, 'messages', timeoutMs);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const raw = await readBody(req);
    if (req.url !== new URL(this.url).pathname) return reply(res, 404, 'no_service');
    if (req.method !== 'POST') return reply(res, 405, 'invalid_method');
    this.attempts += 1;

    const failure = this.failures.take();
    if (failure) {
      const { status, retryAfterSeconds } = failure;
      if (status === 429) res.setHeader('Retry-After', String(retryAfterSeconds));
      return reply(res, status, status === 429 ? 'rate_limited' : 'internal_error');
    }

    const payload = parsePayload(req.headers['content-type'] ?? '', raw);
    if (!payload) return reply(res, 400, 'invalid_payload');
    const text = typeof payload.text === 'string' ? payload.text : undefined;
    const blocks = Array.isArray(payload.blocks) ? (payload.blocks as unknown[]) : undefined;
    if (!text && !blocks?.length) return reply(res, 400, 'no_text');

    this.log.record({ at, text, blocks, raw });
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
