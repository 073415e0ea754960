import { ClientRequest, IncomingHttpHeaders, request } from 'node:http';

/** One event as an EventSource would dispatch it, with when it arrived. */
export interface StreamedEvent {
  id: string;
  type: string;
  data: any;
  receivedAt: number;
}

/**
 * A Server-Sent Events client over plain HTTP, parsing the stream as the HTML spec's EventSource does (id, event,
 * data, retry, comments), for tests that need to see every frame and decide themselves when to reconnect.
 */
export class EventStreamClient {
  readonly events: StreamedEvent[] = [];
  readonly comments: string[] = [];
  /** The last `id:` seen, as the browser would send it back in Last-Event-ID. */
  lastEventId?: string;
  retryMs?: number;
  ended = false;
  private buffer = '';
  private readonly listeners = new Set<() => void>();

  private constructor(
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    private readonly req: ClientRequest,
  ) {}

  /** Opens `url`; resolves with the stream once headers arrive, or with `{status, body}` when it was refused. */
  static open(url: string, headers: Record<string, string> = {}): Promise<EventStreamClient | { status: number; body: any }> {
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        res.setEncoding('utf8');
        if (res.statusCode !== 200) {
          let body = '';
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body: body ? JSON.parse(body) : null }));
          return;
        }
        const client = new EventStreamClient(res.statusCode, res.headers, req);
        res.on('data', (chunk: string) => client.take(chunk));
        res.on('end', () => client.finish());
        res.on('error', () => client.finish());
        resolve(client);
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** Opens `url` and fails the test unless the stream was accepted. */
  static async connect(url: string, headers: Record<string, string> = {}): Promise<EventStreamClient> {
    const opened = await EventStreamClient.open(url, headers);
    if (!(opened instanceof EventStreamClient)) throw new Error(`stream refused: ${opened.status} ${JSON.stringify(opened.body)}`);
    return opened;
  }

  /** Resolves once `done` holds for what has arrived; rejects after `timeoutMs` saying what did. */
  waitFor(done: (client: EventStreamClient) => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done(this)) return false;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve();
        return true;
      };
      const listener = () => void check();
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`stream: no ${what} within ${timeoutMs} ms (${this.events.length} events, ended: ${this.ended})`));
      }, timeoutMs);
      this.listeners.add(listener);
      check();
    });
  }

  close(): void {
    this.req.destroy();
    this.finish();
  }

  private take(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.dispatch(block);
    }
    this.notify();
  }

  private dispatch(block: string): void {
    const fields: { id?: string; event?: string; data: string[] } = { data: [] };
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (name === 'id') fields.id = value;
      else if (name === 'event') fields.event = value;
      else if (name === 'data') fields.data.push(value);
      else if (name === 'retry') this.retryMs = Number(value);
    }
    if (fields.id !== undefined) this.lastEventId = fields.id;
    if (!fields.data.length) return;
    this.events.push({ id: this.lastEventId ?? '', type: fields.event ?? 'message', data: JSON.parse(fields.data.join('\n')), receivedAt: Date.now() });
  }

  private finish(): void {
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
