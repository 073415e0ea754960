import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseEnvironment } from '@herald/config';
import { HostResolver, WebhookDestinations } from './webhook-destinations.service';
import { WebhookTransport } from './webhook-transport';

/** A local HTTP server that counts the connections made to it and the requests it got. */
async function listen(answer: (port: number) => { status: number; headers?: Record<string, string> }) {
  let connections = 0;
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    req.resume();
    const { status, headers } = answer((server.address() as AddressInfo).port);
    res.writeHead(status, headers).end();
  });
  server.on('connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    requests,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const config = (allow: 'true' | 'false') => parseEnvironment({ NODE_ENV: 'test', WEBHOOK_ALLOW_PRIVATE: allow, WEBHOOK_TIMEOUT_MS: '2000' });

const HEADERS = { 'content-type': 'application/json' };

describe('webhook transport', () => {
  const transports: WebhookTransport[] = [];
  const servers: { close(): Promise<void> }[] = [];
  const transport = (allow: 'true' | 'false', resolve: HostResolver) => {
    const made = new WebhookTransport(new WebhookDestinations(config(allow), resolve), config(allow));
    transports.push(made);
    return made;
  };
  const server = async (...args: Parameters<typeof listen>) => {
    const made = await listen(...args);
    servers.push(made);
    return made;
  };
  afterAll(async () => {
    await Promise.all(transports.map((t) => t.onModuleDestroy()));
    await Promise.all(servers.map((s) => s.close()));
  });

  it('never connects to a name that resolves to a private address at delivery time, though it was public when set (DNS rebinding)', async () => {
    const merchant = await server(() => ({ status: 200 }));
    let answers = 0;
    // First answer public (what the PUT saw), every later one loopback: the rebinding attacker's DNS.
    const rebinding: HostResolver = async () => [{ address: answers++ === 0 ? '93.184.215.14' : '127.0.0.1', family: 4 }];
    const destinations = new WebhookDestinations(config('false'), rebinding);
    const url = `http://rebind.example.com:${merchant.port}/hook`;
    await expect(destinations.assertPublicUrl(url)).resolves.toBeUndefined();

    const result = await transport('false', rebinding).post(url, HEADERS, '{}');
    expect(result).toEqual({ code: 'address_not_public', message: "the endpoint's address is not public: webhooks go only to addresses on the public internet" });
    expect(merchant.connections()).toBe(0);
  });

  it.each(['127.0.0.1', '127.1', '2130706433', '0x7f000001', '[::ffff:127.0.0.1]', 'localhost'])(
    'never connects to %s when private addresses are not allowed',
    async (host) => {
      const merchant = await server(() => ({ status: 200 }));
      const result = await transport('false', async () => [{ address: '127.0.0.1', family: 4 }]).post(`http://${host}:${merchant.port}/hook`, HEADERS, '{}');
      expect(result.code).toBe('address_not_public');
      expect(merchant.connections()).toBe(0);
    },
  );

  it('delivers to a private address when allowed, and does not follow a redirect', async () => {
    const elsewhere = await server(() => ({ status: 200 }));
    const merchant = await server(() => ({ status: 302, headers: { location: `http://127.0.0.1:${elsewhere.port}/admin` } }));
    const system = transport('true', async () => [{ address: '127.0.0.1', family: 4 }]);
    const result = await system.post(`http://127.0.0.1:${merchant.port}/hook`, HEADERS, '{}');
    expect(result).toMatchObject({ statusCode: 302, code: 'http_302', message: 'the endpoint answered HTTP 302' });
    expect(merchant.requests).toEqual(['POST /hook']);
    expect(elsewhere.connections()).toBe(0);

    const ok = await server(() => ({ status: 204 }));
    expect(await system.post(`http://localhost:${ok.port}/hook`, HEADERS, '{}')).toEqual({ statusCode: 204 });
  });

  it('says what went wrong without naming the address or the port', async () => {
    const closed = await listen(() => ({ status: 200 }));
    await closed.close();
    const result = await transport('true', async () => [{ address: '127.0.0.1', family: 4 }]).post(`http://127.0.0.1:${closed.port}/hook`, HEADERS, '{}');
    expect(result).toEqual({ code: 'network', message: 'the endpoint refused the connection' });
    expect(result.message).not.toContain(String(closed.port));
  });
});
