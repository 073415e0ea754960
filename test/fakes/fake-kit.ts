import { EventEmitter } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * Starts an HTTP server on 127.0.0.1 at a port the OS picks; `origin` is its base URL. No request reaches `handle`
 * before the caller's `await` has resumed, so `handle` may use an object the caller builds from `origin`.
 */
export async function listenOnLoopback(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}` };
}

/** Drops open connections first: clients keep them alive, and close() alone would wait for them. */
export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** What a fake received, in order, for tests to inspect or wait on. */
export class CallLog<T> {
  readonly items: T[] = [];
  private readonly events = new EventEmitter();

  /** `owner` names the fake in timeout errors. */
  constructor(private readonly owner: string) {}

  record(item: T): void {
    this.items.push(item);
    this.events.emit('change', item);
  }

  /**
   * Resolves with the matching items once at least `count` match. Matches are counted as items arrive (each item is
   * looked at once), so waiting for 20,000 sends costs no more per send than waiting for one. `description` names
   * them in the timeout error.
   */
  waitUntil(count: number, matches: (item: T) => boolean, description: string, timeoutMs: number): Promise<T[]> {
    return new Promise((resolve, reject) => {
      let matched = this.items.filter(matches).length;
      const done = (): boolean => {
        if (matched < count) return false;
        cleanup();
        resolve(this.items.filter(matches));
        return true;
      };
      const onItem = (item: T): void => {
        if (matches(item)) matched += 1;
        done();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.owner}: expected at least ${count} ${description} within ${timeoutMs}ms, got ${matched}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off('change', onItem);
      };
      this.events.on('change', onItem);
      done();
    });
  }
}

/** Failures a test has programmed a fake to answer with instead of handling the request. */
export class FailurePlan<F> {
  private remaining = 0;
  private failure?: F;

  next(n: number, failure: F): void {
    this.remaining = n;
    this.failure = failure;
  }

  always(failure: F): void {
    this.next(Number.POSITIVE_INFINITY, failure);
  }

  recover(): void {
    this.remaining = 0;
    this.failure = undefined;
  }

  /** The failure the current request should get, if any; counts it against `next(n)`. */
  take(): F | undefined {
    if (this.remaining <= 0 || this.failure === undefined) return undefined;
    this.remaining -= 1;
    return this.failure;
  }
}

/** Requests a fake has received and not yet answered (sends the provider is still working on). */
export class InFlight {
  count = 0;

  async run<T>(work: () => Promise<T>): Promise<T> {
    this.count += 1;
    try {
      return await work();
    } finally {
      this.count -= 1;
    }
  }
}
