import { ConfigError, parseEnvironment } from './environment';

describe('environment', () => {
  it('applies the contract defaults to an empty environment', () => {
    const config = parseEnvironment({});
    expect(config).toMatchObject({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/herald',
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: 'herald',
      port: 3000,
      publicUrl: 'http://localhost:3000',
      admin: null,
      twilio: null,
      sendgrid: null,
    });
  });

  it('follows PORT in the default PUBLIC_URL and strips a trailing slash from an explicit one', () => {
    expect(parseEnvironment({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(parseEnvironment({ PUBLIC_URL: 'https://herald.example.com/' }).publicUrl).toBe('https://herald.example.com');
  });

  it('enables Twilio only with all three variables, and says so when one is missing', () => {
    const twilio = { TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 'secret', TWILIO_FROM: '+15005550006' };
    expect(parseEnvironment(twilio).twilio).toEqual({ accountSid: 'AC1', authToken: 'secret', from: '+15005550006', apiUrl: 'https://api.twilio.com' });
    expect(() => parseEnvironment({ TWILIO_ACCOUNT_SID: 'AC1' })).toThrow('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM must be set together');
  });

  it('treats empty variables as unset (docker compose passes them through empty)', () => {
    expect(parseEnvironment({ TWILIO_ACCOUNT_SID: '', SLACK_WEBHOOK_URL: '' })).toMatchObject({ twilio: null, slackWebhookUrl: null });
  });

  it('names every invalid variable at once', () => {
    try {
      parseEnvironment({ PORT: 'x', REDIS_URL: 'localhost', QUEUE_PREFIX: 'a:b' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.split(' ')[0]).sort()).toEqual(['PORT', 'QUEUE_PREFIX', 'REDIS_URL']);
    }
  });

  it('requires admin credentials in production', () => {
    const secret = { SECRET_KEY: 'k'.repeat(32) };
    expect(() => parseEnvironment({ NODE_ENV: 'production', ...secret })).toThrow('ADMIN_USER and ADMIN_PASSWORD are required when NODE_ENV=production');
    expect(parseEnvironment({ NODE_ENV: 'production', ADMIN_USER: 'ops', ADMIN_PASSWORD: 'pw', ...secret }).admin).toEqual({ user: 'ops', password: 'pw' });
  });

  it('requires a real SECRET_KEY in production, and a long one anywhere', () => {
    const admin = { ADMIN_USER: 'ops', ADMIN_PASSWORD: 'pw' };
    expect(() => parseEnvironment({ NODE_ENV: 'production', ...admin })).toThrow('SECRET_KEY is required when NODE_ENV=production');
    expect(() => parseEnvironment({ SECRET_KEY: 'short' })).toThrow('SECRET_KEY must be at least 32 characters');
    expect(parseEnvironment({})).toMatchObject({ secretKeyIsDevelopmentDefault: true });
    expect(parseEnvironment({ SECRET_KEY: 'k'.repeat(32) })).toMatchObject({ secretKey: 'k'.repeat(32), secretKeyIsDevelopmentDefault: false });
  });

  it('reads the live-event settings as durations and counts', () => {
    expect(parseEnvironment({}).events).toEqual({ heartbeatMs: 15_000, maxStreamsPerMerchant: 100, streamTokenTtlMs: 600_000 });
    expect(parseEnvironment({ SSE_HEARTBEAT: 'PT2S' }).events.heartbeatMs).toBe(2000);
    expect(() => parseEnvironment({ SSE_HEARTBEAT: 'PT0S' })).toThrow('SSE_HEARTBEAT must be longer than zero');
    expect(parseEnvironment({}).webhooks).toEqual({ timeoutMs: 5000, attempts: 16, backoffMs: 30_000 });
    expect(() => parseEnvironment({ WEBHOOK_TIMEOUT_MS: '20000' })).toThrow('WEBHOOK_TIMEOUT_MS must be at most 10000');
  });
});
