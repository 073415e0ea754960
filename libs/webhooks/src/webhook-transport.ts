import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Agent, buildConnector, fetch } from 'undici';
import { parseRetryAfter } from '@herald/channels';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { WEBHOOK_RETRY_CAP_MS } from '@herald/queues';
import { WebhookDestinations } from './webhook-destinations.service';

export interface WebhookHttpResult {
  statusCode?: number;
  /** Why it failed: `http_<status>`, `timeout`, `address_not_public` or `network`. */
  code?: string;
  /** For the merchant: never an address or a port, which would make the deliveries list a port scanner. */
  message?: string;
  retryAfterMs?: number;
}

/** What a network failure tells the merchant, by the error's code. */
const NETWORK_FAILURES: Record<string, string> = {
  ECONNREFUSED: 'the endpoint refused the connection',
  ECONNRESET: 'the endpoint closed the connection',
  EPIPE: 'the endpoint closed the connection',
  UND_ERR_SOCKET: 'the endpoint closed the connection',
  ENOTFOUND: "the endpoint's host name does not resolve",
  EAI_AGAIN: "the endpoint's host name could not be resolved",
  EHOSTUNREACH: "the endpoint's host is unreachable",
  ENETUNREACH: "the endpoint's network is unreachable",
  ETIMEDOUT: 'connecting to the endpoint timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connecting to the endpoint timed out',
};

/**
 * POSTs webhooks over one connection pool whose every new connection is checked against WebhookDestinations: the
 * address written in the URL before connecting, the addresses a name resolves to as it is resolved.
 */
@Injectable()
export class WebhookTransport implements OnModuleDestroy {
  private readonly agent: Agent;
  private readonly timeoutMs: number;

  constructor(destinations: WebhookDestinations, @InjectConfig() config: HeraldConfig) {
    this.timeoutMs = config.webhooks.timeoutMs;
    const connect = buildConnector({ timeout: this.timeoutMs, ...(destinations.allowPrivate ? {} : { lookup: destinations.lookup }) });
    this.agent = new Agent({
      connect: (options, callback) => {
        const refused = destinations.refusal(options.hostname);
        if (refused) return callback(refused, null);
        connect(options, callback);
      },
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.agent.close();
  }

  async post(url: string, headers: Record<string, string>, body: string): Promise<WebhookHttpResult> {
    try {
      // Redirects are not followed: the merchant gave this URL, and a redirect could point anywhere.
      const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', dispatcher: this.agent, signal: AbortSignal.timeout(this.timeoutMs) });
      await response.body?.cancel();
      if (response.status >= 200 && response.status < 300) return { statusCode: response.status };
      const retryAfter = parseRetryAfter(response.headers.get('retry-after') ?? undefined);
      return {
        statusCode: response.status,
        code: `http_${response.status}`,
        message: `the endpoint answered HTTP ${response.status}`,
        retryAfterMs: retryAfter === undefined ? undefined : Math.min(retryAfter, WEBHOOK_RETRY_CAP_MS),
      };
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') return { code: 'timeout', message: `the endpoint did not answer within ${this.timeoutMs} ms` };
      const cause = (error as { cause?: { code?: string } }).cause;
      if (cause?.code === 'EADDRNOTPUBLIC') {
        return { code: 'address_not_public', message: "the endpoint's address is not public: webhooks go only to addresses on the public internet" };
      }
      return { code: 'network', message: networkFailure(cause?.code) };
    }
  }
}

function networkFailure(code: string | undefined): string {
  if (code && NETWORK_FAILURES[code]) return NETWORK_FAILURES[code];
  if (code && /CERT|SSL|TLS/.test(code)) return `the endpoint's TLS certificate was not accepted (${code})`;
  return code ? `could not reach the endpoint (${code})` : 'could not reach the endpoint';
}
