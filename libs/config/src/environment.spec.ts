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
      maxScheduleAhead: 'P1Y',
    });
  });

  it('takes MAX_SCHEDULE_AHEAD as a positive ISO 8601 duration', () => {
    expect(parseEnvironment({ MAX_SCHEDULE_AHEAD: 'P6M' }).maxScheduleAhead).toBe('P6M');
    expect(() => parseEnvironment({ MAX_SCHEDULE_AHEAD: '1 year' })).toThrow('MAX_SCHEDULE_AHEAD must be an ISO 8601 duration');
    expect(() => parseEnvironment({ MAX_SCHEDULE_AHEAD: 'PT0S' })).toThrow('MAX_SCHEDULE_AHEAD must be a positive ISO 8601 duration');
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
});
