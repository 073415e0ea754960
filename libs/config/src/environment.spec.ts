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
    expect(() => parseEnvironment({ NODE_ENV: 'production' })).toThrow('ADMIN_USER and ADMIN_PASSWORD are required when NODE_ENV=production');
    expect(parseEnvironment({ NODE_ENV: 'production', ADMIN_USER: 'ops', ADMIN_PASSWORD: 'pw' }).admin).toEqual({ user: 'ops', password: 'pw' });
  });

  it('reads the daily export settings: tick, catch-up window and lease', () => {
    expect(parseEnvironment({}).exports).toEqual({ tickEveryMs: 60_000, catchUpDays: 7, leaseMs: 60_000 });
    expect(parseEnvironment({ EXPORT_TICK_EVERY: 'PT1S', EXPORT_CATCH_UP_DAYS: '30', EXPORT_LEASE: 'PT2S' }).exports).toEqual({
      tickEveryMs: 1000,
      catchUpDays: 30,
      leaseMs: 2000,
    });
    expect(() => parseEnvironment({ EXPORT_TICK_EVERY: 'PT0S' })).toThrow('EXPORT_TICK_EVERY must be longer than zero');
    expect(() => parseEnvironment({ EXPORT_CATCH_UP_DAYS: '0' })).toThrow('EXPORT_CATCH_UP_DAYS');
    expect(() => parseEnvironment({ EXPORT_LEASE: 'soon' })).toThrow('EXPORT_LEASE must be an ISO 8601 duration');
  });
});
