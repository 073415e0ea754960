import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { metricsRegistry } from './metrics';

/** Whether the process's dependencies answer, and the report to show either way. */
export type ReadinessProbe = () => Promise<{ ready: boolean; report: unknown }>;

/**
 * A process's monitoring port, for processes that serve no HTTP of their own (the worker): Prometheus scrapes
 * `/metrics`, orchestrators probe `/health/live` (the process is up) and `/health/ready` (its dependencies answer).
 */
export class MonitoringServer {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on all interfaces at `port` (0: any free port; `port` then tells which). */
  static async listen(port: number, readiness: ReadinessProbe): Promise<MonitoringServer> {
    const server = createServer((request, response) => void answer(request, response, readiness));
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

async function answer(request: IncomingMessage, response: ServerResponse, readiness: ReadinessProbe): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  try {
    if (request.method !== 'GET') return json(response, 405, { statusCode: 405, code: 'method_not_allowed', message: 'only GET is served here' });
    if (path === '/metrics') {
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

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}
