import { parseEnvironment } from '@herald/config';
import { Webhook } from 'standardwebhooks';
import { WebhookSecrets } from './webhook-secrets';

const MERCHANT = '8f14e45f-ceea-4e7a-9f4b-8d1e3f2a1b0c';

describe('webhook secrets', () => {
  const secrets = new WebhookSecrets(parseEnvironment({}));

  it('makes Standard Webhooks secrets that sign and verify', () => {
    const secret = secrets.generate();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const payload = '{"type":"notification.sent"}';
    const timestamp = new Date();
    const signature = new Webhook(secret).sign('evt_1', timestamp, payload);
    const headers = { 'webhook-id': 'evt_1', 'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)), 'webhook-signature': signature };
    expect(new Webhook(secret).verify(payload, headers)).toEqual({ type: 'notification.sent' });
  });

  it('stores a secret encrypted, readable only for its merchant and with this SECRET_KEY', () => {
    const secret = secrets.generate();
    const stored = secrets.seal(MERCHANT, secret);
    expect(stored.toString('latin1')).not.toContain(secret.slice(6, 20));
    expect(secrets.open(MERCHANT, stored)).toBe(secret);
    expect(() => secrets.open('1c4f9a2e-5b6d-4e8f-9a0b-1c2d3e4f5a6b', stored)).toThrow();
    expect(() => new WebhookSecrets(parseEnvironment({ SECRET_KEY: 'another-secret-key-of-at-least-32-characters' })).open(MERCHANT, stored)).toThrow();
  });
});
