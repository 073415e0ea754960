import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import type { AdminAccessRefused } from '@herald/admin-access';
import { metricsRegistry } from './metrics';

/** Whether the process's dependencies answer, and the report to show either way. */
export type ReadinessProbe = () => Promise<{ ready: boolean; report: unknown }>;

/** METRICS_AUTH (see metricsRefusal): why this Authorization header may not read /metrics, or null. */
export type MetricsAccess = (authorization: string | undefined) => AdminAccessRefused | null;

/**
 * A process's monitoring port, for processes that serve no HTTP of their own (the worker): Prometheus scrapes
 * `/metrics` (as METRICS_AUTH says), orchestrators probe `/health/live` (the process is up) and `/health/ready` (its
 * dependencies answer), which stay open.
 */
export class MonitoringServer {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on all interfaces at `port` (0: any free port; `port` then tells which). */
  static async listen(port: number, readiness: ReadinessProbe, metricsAccess: MetricsAccess): Promise<MonitoringServer> {
    const server = createServer((request, response) => void answer(request, response, readiness, metricsAccess));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new MonitoringServer(server, (server.address() as AddressInfo).port);
  }

  /** Stops answering (the worker never calls it: its port answers until the process exits, after the drain). */
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function answer(request: IncomingMessage, response: ServerResponse, readiness: ReadinessProbe, metricsAccess: MetricsAccess): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  try {
    if (request.method !== 'GET') return json(response, 405, { statusCode: 405, code: 'method_not_allowed', message: 'only GET is served here' });
    if (path === '/metrics') {
      const refusal = metricsAccess(request.headers.authorization);
      if (refusal) return json(response, 401, { statusCode: 401, code: refusal.code, message: refusal.message }, refusal.headers);
      const text = await metricsRegistry.metrics();
      response.writeHead(200, { 'Content-Type': metricsRegistry.contentType }).end(text);
      return;
    }
    if (path === '/health/live') return json(response, 200, { status: 'ok' });
    if (path === '/health/ready') {
      const { ready, report } = await readiness();
      return json(response, ready ? 200 : 503, report);
    }
    json(response, 404, { statusCode: 404, code: 'not_found', message: `${path} is not served here: try /metrics, /health/live or /health/ready` });
  } catch (error) {
    json(response, 500, { statusCode: 500, code: 'internal_error', message: (error as Error).message });
  }
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}
