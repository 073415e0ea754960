import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { metricsRefusal } from '@herald/admin-access';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { metricsRegistry } from '@herald/observability';

function json(response: ServerResponse, statusCode: number, code: string, message: string, headers: Record<string, string> = {}): void {
  response.writeHead(statusCode, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify({ statusCode, code, message }));
}

/**
 * METRICS_PORT: /metrics on a port of its own, which a deployment keeps off its public network, so the API port does
 * not publish queue depths. It serves nothing else.
 */
@Injectable()
export class MetricsPortServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | null = null;

  constructor(@InjectConfig() private readonly config: HeraldConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.metrics.port === null) return;
    const server = createServer((request, response) => void this.answer(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.metrics.port!, '0.0.0.0', () => resolve());
    });
    this.server = server;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
      return json(response, 404, 'route_not_found', 'only GET /metrics is served on this port');
    }
    const refusal = metricsRefusal(request.headers.authorization, this.config);
    if (refusal) return json(response, 401, refusal.code, refusal.message, refusal.headers);
    try {
      response.writeHead(200, { 'Content-Type': metricsRegistry.contentType }).end(await metricsRegistry.metrics());
    } catch {
      json(response, 503, 'service_unavailable', 'a backing service is unavailable; retry shortly');
    }
  }
}
