import { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { CallLog, closeServer, FailurePlan, listenOnLoopback, readBody } from './fake-kit';

export interface WebhookRequest {
  /** Date.now() when the request was received. */
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as received: what the signature covers. */
  raw: string;
  body: any;
  /** What the fake answered; undefined while it hangs. */
  status?: number;
}

/** How the endpoint misbehaves: an error status (with an optional Retry-After), no answer at all, or a late answer. */
export type EndpointFailure = { status: number; retryAfterSeconds?: number } | { hang: true } | { delayMs: number };

/**
 * A merchant's webhook receiver: records every POST with its headers and raw body, answers 200 unless told to fail,
 * hang (never answer) or answer slowly.
 */
export class FakeMerchantEndpoint {
  private readonly log = new CallLog<WebhookRequest>('FakeMerchantEndpoint');
  readonly requests: WebhookRequest[] = this.log.items;
  private readonly failures = new FailurePlan<EndpointFailure>();

  private constructor(
    private readonly server: Server,
    /** The URL to register as the webhook endpoint. */
    readonly url: string,
  ) {}

  static async start(): Promise<FakeMerchantEndpoint> {
    const { server, origin } = await listenOnLoopback((req, res) => fake.handle(req, res));
    const fake = new FakeMerchantEndpoint(server, `${origin}/herald-webhook`);
    return fake;
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  failNext(n: number, failure: EndpointFailure): void {
    this.failures.next(n, failure);
  }

  failAlways(failure: EndpointFailure): void {
    this.failures.always(failure);
  }

  recover(): void {
    this.failures.recover();
  }

  waitForRequests(count: number, matches: (request: WebhookRequest) => boolean = () => true, timeoutMs = 15_000): Promise<WebhookRequest[]> {
    return this.log.waitUntil(count, matches, 'webhook requests', timeoutMs);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let body: unknown = null;
    try {
      body = JSON.parse(raw);
    } catch {
      // Recorded as is: a test asserts on it.
    }
    const request: WebhookRequest = { at: Date.now(), path: req.url ?? '', headers: req.headers, raw, body };
    const failure = this.failures.take();
    this.log.record(request);
    if (failure && 'hang' in failure) return;
    if (failure && 'delayMs' in failure) await new Promise((resolve) => setTimeout(resolve, failure.delayMs));
    const status = failure && 'status' in failure ? failure.status : 200;
    request.status = status;
    if (failure && 'retryAfterSeconds' in failure && failure.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(failure.retryAfterSeconds));
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(status === 200 ? 'ok' : 'error');
  }
}
