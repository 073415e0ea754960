/** A merchant's view of the Herald API over real HTTP. */
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class HeraldClient {
  constructor(
    readonly baseUrl: string,
    readonly apiKey?: string,
  ) {}

  static admin = { user: 'admin', password: 'test-admin-password' };

  withKey(apiKey: string): HeraldClient {
    return new HeraldClient(this.baseUrl, apiKey);
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (Bull Board's HTML, Prometheus text): keep the text.
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  /** Creates a merchant through the admin API and returns a client that acts as it. */
  async createMerchant(overrides: Record<string, unknown> = {}): Promise<HeraldClient & { merchantId: string }> {
    const basic = Buffer.from(`${HeraldClient.admin.user}:${HeraldClient.admin.password}`).toString('base64');
    const { status, body } = await this.request('POST', '/admin/merchants', { name: 'Boulangerie Lune', timezone: 'Europe/Paris', ...overrides }, {
      authorization: `Basic ${basic}`,
    });
    if (status !== 201) throw new Error(`createMerchant answered ${status}: ${JSON.stringify(body)}`);
    return Object.assign(this.withKey(body.apiKey), { merchantId: body.id as string });
  }

  /** Polls GET `path` until `done(body)` holds. */
  async waitFor<T = any>(path: string, done: (body: T) => boolean, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await this.request<T>('GET', path);
      if (done(body)) return body;
      if (Date.now() > deadline) throw new Error(`GET ${path} did not reach the expected state in ${timeoutMs} ms: ${JSON.stringify(body)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

let sequence = 0;

/** A valid order body; override what the test is about. */
export function makeOrder(overrides: Record<string, unknown> = {}): Record<string, any> {
  sequence += 1;
  return {
    reference: `T-${Date.now().toString(36)}-${sequence}`,
    customer: { name: 'Ada', phone: '+33612345678', locale: 'en' },
    pickupAt: new Date(Date.now() + 3 * 3600_000).toISOString(),
    reminderBefore: 'PT1H',
    ...overrides,
  };
}

/** Runs `task` over `items` with at most `concurrency` in flight. */
export async function mapConcurrent<T, R>(items: T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index], index);
      }
    }),
  );
  return results;
}
