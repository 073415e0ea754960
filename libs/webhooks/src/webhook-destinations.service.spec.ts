import type { LookupAddress } from 'node:dns';
import { parseEnvironment } from '@herald/config';
import { DomainError } from '@herald/errors';
import { HostResolver, WebhookDestinations } from './webhook-destinations.service';

/** A resolver answering from a table, as DNS would; an unknown name does not resolve. */
const resolverOf =
  (table: Record<string, string[]>): HostResolver =>
  async (hostname) => {
    const addresses = table[hostname.toLowerCase()];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

const DNS = resolverOf({
  'shop.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'intranet.example.com': ['10.1.2.3'],
  'split.example.com': ['93.184.215.14', '192.168.0.10'],
  'metadata.example.com': ['169.254.169.254'],
  'v6-loopback.example.com': ['::1'],
});

const production = (allow?: 'true' | 'false') =>
  parseEnvironment({
    NODE_ENV: 'production',
    ADMIN_USER: 'ops',
    ADMIN_PASSWORD: 'a-long-enough-password',
    SECRET_KEY: 'k'.repeat(32),
    ...(allow ? { WEBHOOK_ALLOW_PRIVATE: allow } : {}),
  });

async function refusal(destinations: WebhookDestinations, url: string): Promise<DomainError | null> {
  try {
    await destinations.assertPublicUrl(url);
    return null;
  } catch (error) {
    return error as DomainError;
  }
}

describe('webhook destinations', () => {
  const strict = new WebhookDestinations(production(), DNS);

  it.each([
    'http://localhost/',
    'http://localhost:3000/admin/merchants',
    'http://LOCALHOST./hook',
    'http://api.localhost/hook',
    'http://[::1]/',
    'http://0.0.0.0/',
    'http://127.1/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://[::ffff:127.0.0.1]/',
    'http://169.254.169.254/latest/meta-data/',
    'https://intranet.example.com/hook',
    'https://split.example.com/hook',
    'https://metadata.example.com/hook',
    'https://v6-loopback.example.com/hook',
  ])('refuses %s in production with 422 webhook_url_not_public', async (url) => {
    const error = await refusal(strict, url);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'unprocessable', code: 'webhook_url_not_public' });
    expect(error!.message).toMatch(/^the webhook URL's host (is|resolves to) a non-public address \(\w+/);
  });

  it('takes a host on the public internet, and a name that does not resolve yet (the delivery checks it again)', async () => {
    expect(await refusal(strict, 'https://shop.example.com/hook')).toBeNull();
    expect(await refusal(strict, 'https://93.184.215.14/hook')).toBeNull();
    expect(await refusal(strict, 'https://[2606:4700:4700::1111]/hook')).toBeNull();
    expect(await refusal(strict, 'https://not-yet.example.com/hook')).toBeNull();
    const silent = new WebhookDestinations(production(), () => new Promise(() => undefined));
    const started = Date.now();
    expect(await refusal(silent, 'https://slow-dns.example.com/hook')).toBeNull();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('takes private addresses when WEBHOOK_ALLOW_PRIVATE is true, and outside production by default', async () => {
    for (const destinations of [new WebhookDestinations(production('true'), DNS), new WebhookDestinations(parseEnvironment({ NODE_ENV: 'test' }), DNS)]) {
      expect(await refusal(destinations, 'http://127.0.0.1:4000/hook')).toBeNull();
      expect(await refusal(destinations, 'http://localhost/hook')).toBeNull();
      expect(await refusal(destinations, 'https://intranet.example.com/hook')).toBeNull();
    }
  });
});
