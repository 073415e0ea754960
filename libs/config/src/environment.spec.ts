import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseEnvironment } from './environment';

describe('environment', () => {
  it('applies the contract defaults to an empty environment', () => {
    const config = parseEnvironment({});
    expect(config).toMatchObject({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/herald',
      redis: { kind: 'single', url: 'redis://127.0.0.1:6379' },
      queuePrefix: 'herald',
      port: 3000,
      publicUrl: 'http://localhost:3000',
      admin: null,
      twilio: null,
      sendgrid: null,
      worker: { criticalConcurrency: 50, bulkConcurrency: 5, metricsPort: 9464 },
      maxScheduleAhead: 'P1Y',
    });
  });

  it('sizes the database pool from DATABASE_POOL_SIZE, 20 by default, and refuses a pool that cannot work', () => {
    expect(parseEnvironment({}).databasePoolSize).toBe(20);
    expect(parseEnvironment({ DATABASE_POOL_SIZE: '8' }).databasePoolSize).toBe(8);
    expect(() => parseEnvironment({ DATABASE_POOL_SIZE: '1' })).toThrow('DATABASE_POOL_SIZE');
    expect(() => parseEnvironment({ DATABASE_POOL_SIZE: 'many' })).toThrow('DATABASE_POOL_SIZE');
  });

  it('takes WORKER_METRICS_PORT 0 (any free port) and refuses one that is not a port', () => {
    expect(parseEnvironment({ WORKER_METRICS_PORT: '0' }).worker.metricsPort).toBe(0);
    expect(() => parseEnvironment({ WORKER_METRICS_PORT: '70000' })).toThrow('WORKER_METRICS_PORT');
  });

  it('takes MAX_SCHEDULE_AHEAD as a positive ISO 8601 duration', () => {
    expect(parseEnvironment({ MAX_SCHEDULE_AHEAD: 'P6M' }).maxScheduleAhead).toBe('P6M');
    expect(() => parseEnvironment({ MAX_SCHEDULE_AHEAD: '1 year' })).toThrow('MAX_SCHEDULE_AHEAD must be an ISO 8601 duration');
    expect(() => parseEnvironment({ MAX_SCHEDULE_AHEAD: 'PT0S' })).toThrow('MAX_SCHEDULE_AHEAD must be a positive ISO 8601 duration');
  });

  it('takes TRUST_PROXY as hops or as ranges and addresses, loopback by default, and refuses to trust everyone', () => {
    expect(parseEnvironment({}).trustProxy).toEqual(['loopback']);
    expect(parseEnvironment({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(parseEnvironment({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8, 192.0.2.10' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.0.2.10']);
    expect(() => parseEnvironment({ TRUST_PROXY: 'true' })).toThrow('TRUST_PROXY must be a number of proxy hops, or comma-separated loopback');
    expect(() => parseEnvironment({ TRUST_PROXY: '10.0.0.0/33' })).toThrow('("10.0.0.0/33" is none of these)');
    expect(() => parseEnvironment({ TRUST_PROXY: 'proxy.internal' })).toThrow('TRUST_PROXY');
  });

  it('locks an address out of /admin after 10 wrong credentials, for 15 minutes by default (ADMIN_LOGIN_FAILURES, ADMIN_LOCKOUT)', () => {
    expect(parseEnvironment({}).adminLockout).toEqual({ failures: 10, windowMs: 15 * 60_000 });
    expect(parseEnvironment({ ADMIN_LOGIN_FAILURES: '5', ADMIN_LOCKOUT: 'PT1H' }).adminLockout).toEqual({ failures: 5, windowMs: 3_600_000 });
    expect(() => parseEnvironment({ ADMIN_LOGIN_FAILURES: '0' })).toThrow('ADMIN_LOGIN_FAILURES');
    expect(() => parseEnvironment({ ADMIN_LOCKOUT: 'PT0S' })).toThrow('ADMIN_LOCKOUT');
  });

  it('takes ADMIN_RATE_LIMIT as a positive number of requests a minute, 60 by default', () => {
    expect(parseEnvironment({}).adminRateLimit).toBe(60);
    expect(parseEnvironment({ ADMIN_RATE_LIMIT: '300' }).adminRateLimit).toBe(300);
    expect(() => parseEnvironment({ ADMIN_RATE_LIMIT: '0' })).toThrow('ADMIN_RATE_LIMIT');
  });

  it('follows PORT in the default PUBLIC_URL and strips a trailing slash from an explicit one', () => {
    expect(parseEnvironment({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(parseEnvironment({ PUBLIC_URL: 'https://herald.example.com/' }).publicUrl).toBe('https://herald.example.com');
  });

  it('enables Twilio only with all three variables, and says so when one is missing', () => {
    const twilio = { TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 'secret', TWILIO_FROM: '+15005550006' };
    expect(parseEnvironment(twilio).twilio).toEqual({
      accountSid: 'AC1',
      authToken: 'secret',
      from: '+15005550006',
      apiUrl: 'https://api.twilio.com',
      sdkTransport: false,
    });
    expect(() => parseEnvironment({ TWILIO_ACCOUNT_SID: 'AC1' })).toThrow('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM must be set together');
  });

  it('sends WhatsApp through the Twilio account from TWILIO_WHATSAPP_FROM, with or without its whatsapp: prefix; unset: the log driver', () => {
    const twilio = { TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 'secret', TWILIO_FROM: '+15005550006' };
    expect(parseEnvironment(twilio).whatsapp).toBeNull();
    expect(parseEnvironment({ ...twilio, TWILIO_WHATSAPP_FROM: '+14155238886' }).whatsapp).toEqual({ from: 'whatsapp:+14155238886' });
    expect(parseEnvironment({ ...twilio, TWILIO_WHATSAPP_FROM: 'whatsapp:+14155238886' }).whatsapp).toEqual({ from: 'whatsapp:+14155238886' });
    expect(() => parseEnvironment({ ...twilio, TWILIO_WHATSAPP_FROM: 'sms:+14155238886' })).toThrow('TWILIO_WHATSAPP_FROM must be an E.164 number');
    expect(() => parseEnvironment({ TWILIO_WHATSAPP_FROM: '+14155238886' })).toThrow('TWILIO_WHATSAPP_FROM needs the Twilio account');
  });

  it('enables Vonage with its three variables, and sends SMS through the one configured provider unless SMS_PROVIDERS says otherwise', () => {
    const twilio = { TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 'secret', TWILIO_FROM: '+15005550006' };
    const vonage = { VONAGE_API_KEY: 'abcd1234', VONAGE_API_SECRET: 'vonage-secret', VONAGE_FROM: '+447700900001' };
    expect(parseEnvironment(vonage).vonage).toEqual({
      apiKey: 'abcd1234',
      apiSecret: 'vonage-secret',
      from: '+447700900001',
      apiUrl: 'https://rest.nexmo.com',
      signatureSecret: null,
      signatureMethod: 'md5hash',
    });
    expect(parseEnvironment({}).smsProviders).toEqual([]);
    expect(parseEnvironment(vonage).smsProviders).toEqual([{ provider: 'vonage', weight: 100 }]);
    expect(parseEnvironment({ ...twilio, ...vonage }).smsProviders).toEqual([{ provider: 'twilio', weight: 100 }]);
    expect(parseEnvironment({ ...twilio, ...vonage, SMS_PROVIDERS: 'twilio:70, vonage:30' }).smsProviders).toEqual([
      { provider: 'twilio', weight: 70 },
      { provider: 'vonage', weight: 30 },
    ]);
    expect(() => parseEnvironment({ VONAGE_API_KEY: 'abcd1234' })).toThrow('VONAGE_API_KEY, VONAGE_API_SECRET and VONAGE_FROM must be set together');
    expect(() => parseEnvironment({ ...twilio, SMS_PROVIDERS: 'twilio,vonage' })).toThrow('SMS_PROVIDERS names vonage, which is not configured');
    expect(() => parseEnvironment({ ...twilio, SMS_PROVIDERS: 'twilio:0' })).toThrow('SMS_PROVIDERS must be comma-separated provider:weight pairs');
    expect(() => parseEnvironment({ ...twilio, SMS_PROVIDERS: 'twilio,twilio' })).toThrow('SMS_PROVIDERS');
    expect(() => parseEnvironment({ ...vonage, VONAGE_SIGNATURE_METHOD: 'sha384' })).toThrow('VONAGE_SIGNATURE_METHOD');
  });

  it("leaves Twilio's calls to the SDK's own transport where the SDK's proxy or CA bundle setting is given", () => {
    const twilio = { TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 'secret', TWILIO_FROM: '+15005550006' };
    expect(parseEnvironment({ ...twilio, HTTP_PROXY: 'http://proxy.internal:3128' }).twilio?.sdkTransport).toBe(true);
    expect(parseEnvironment({ ...twilio, TWILIO_CA_BUNDLE: '/etc/ssl/twilio.pem' }).twilio?.sdkTransport).toBe(true);
    expect(parseEnvironment({ ...twilio, HTTP_PROXY: '' }).twilio?.sdkTransport).toBe(false);
  });

  it('treats empty variables as unset (docker compose passes them through empty)', () => {
    expect(parseEnvironment({ TWILIO_ACCOUNT_SID: '', SLACK_WEBHOOK_URL: '' })).toMatchObject({ twilio: null, slackWebhookUrl: null });
    expect(parseEnvironment({ JOB_ATTEMPTS: '', PORT: ' ', RECONCILE_EVERY: '', METRICS_PORT: '' })).toMatchObject({
      jobs: { attempts: 6 },
      port: 3000,
      reconcileEveryMs: 60_000,
      metrics: { port: null },
    });
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

  it('selects a Redis Cluster from its seeds, or a Sentinel-managed primary from its sentinels and name', () => {
    expect(parseEnvironment({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b:7001,[::1]:7002' }).redis).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'redis-b', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      credentials: { username: null, password: null },
      tls: null,
    });
    expect(parseEnvironment({ REDIS_SENTINELS: 's1:26379,s2:26379', REDIS_SENTINEL_NAME: 'herald' }).redis).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      name: 'herald',
      sentinelCredentials: { username: null, password: null },
      credentials: { username: null, password: null },
      tls: null,
    });
    // REDIS_URL is ignored once another topology is chosen (compose and charts often pass it anyway).
    expect(parseEnvironment({ REDIS_URL: 'redis://elsewhere:6379', REDIS_CLUSTER_NODES: 'a:7000' }).redis.kind).toBe('cluster');
  });

  it('refuses Redis settings that do not name one topology, in one line each', () => {
    expect(() => parseEnvironment({ REDIS_CLUSTER_NODES: 'a:7000', REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_NAME: 'herald' })).toThrow(
      'invalid environment: REDIS_CLUSTER_NODES and REDIS_SENTINELS choose different Redis topologies: set one of them',
    );
    expect(() => parseEnvironment({ REDIS_SENTINELS: 's:26379' })).toThrow('invalid environment: REDIS_SENTINELS and REDIS_SENTINEL_NAME must be set together');
    expect(() => parseEnvironment({ REDIS_SENTINEL_NAME: 'herald' })).toThrow('REDIS_SENTINELS and REDIS_SENTINEL_NAME must be set together');
    expect(() => parseEnvironment({ REDIS_CLUSTER_NODES: 'a:7000,redis://b:7001' })).toThrow(
      'REDIS_CLUSTER_NODES must be comma-separated host:port pairs ("redis://b:7001" is not one)',
    );
    expect(() => parseEnvironment({ REDIS_SENTINELS: 's:99999', REDIS_SENTINEL_NAME: 'herald' })).toThrow('REDIS_SENTINELS must be comma-separated host:port pairs');
    expect(() => parseEnvironment({ REDIS_CLUSTER_NODES: ' , ' })).toThrow('REDIS_CLUSTER_NODES must name at least one host:port');
  });

  describe('Redis credentials and TLS (managed Redis)', () => {
    let dir: string;
    let caFile: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'herald-config-'));
      caFile = join(dir, 'ca.pem');
      writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('gives a Cluster and Sentinel an ACL user, a password, the sentinels their own, and TLS verified against a CA file', () => {
      const access = { REDIS_USERNAME: 'herald', REDIS_PASSWORD: 'p@ss word', REDIS_TLS: 'true', REDIS_TLS_CA: caFile, REDIS_TLS_SERVERNAME: 'cache.internal' };
      expect(parseEnvironment({ REDIS_CLUSTER_NODES: 'a:7000', ...access }).redis).toMatchObject({
        kind: 'cluster',
        credentials: { username: 'herald', password: 'p@ss word' },
        tls: { ca: expect.stringContaining('-----BEGIN CERTIFICATE-----'), servername: 'cache.internal' },
      });
      const sentinel = parseEnvironment({ REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_NAME: 'herald', REDIS_PASSWORD: 'data', REDIS_SENTINEL_PASSWORD: 'sentinel', REDIS_TLS: 'true' });
      expect(sentinel.redis).toMatchObject({
        credentials: { username: null, password: 'data' },
        sentinelCredentials: { username: null, password: 'sentinel' },
        tls: { ca: null, servername: null },
      });
    });

    it("takes a single server's credentials and TLS from REDIS_URL, or from the same variables", () => {
      expect(parseEnvironment({ REDIS_URL: 'rediss://herald:p%40ss@cache:6380' }).redis).toMatchObject({
        kind: 'single',
        credentials: { username: 'herald', password: 'p@ss' },
        tls: { ca: null, servername: null },
      });
      expect(parseEnvironment({ REDIS_URL: 'redis://cache:6380', REDIS_PASSWORD: 'secret', REDIS_TLS: 'true' }).redis).toMatchObject({
        credentials: { username: null, password: 'secret' },
        tls: { ca: null, servername: null },
      });
      expect(parseEnvironment({}).redis).toMatchObject({ credentials: { username: null, password: null }, tls: null });
    });

    it('refuses settings that contradict each other or cannot work, naming them and never the secret', () => {
      const problems = (env: Record<string, string>) => {
        try {
          parseEnvironment(env);
          return [];
        } catch (error) {
          return (error as ConfigError).problems;
        }
      };
      expect(problems({ REDIS_URL: 'redis://:urlsecret@cache', REDIS_PASSWORD: 'envsecret' })).toEqual([
        'REDIS_URL carries credentials and so do REDIS_USERNAME/REDIS_PASSWORD: give them one way',
      ]);
      expect(problems({ REDIS_CLUSTER_NODES: 'a:7000', REDIS_USERNAME: 'herald' })).toEqual(['REDIS_USERNAME needs REDIS_PASSWORD']);
      expect(problems({ REDIS_SENTINEL_PASSWORD: 'x' })[0]).toMatch(/^REDIS_SENTINEL_USERNAME and REDIS_SENTINEL_PASSWORD apply to sentinels only/);
      expect(problems({ REDIS_TLS_CA: caFile })).toEqual(['REDIS_TLS_CA and REDIS_TLS_SERVERNAME need TLS: set REDIS_TLS=true (or a rediss:// REDIS_URL)']);
      expect(problems({ REDIS_TLS: 'yes' })[0]).toMatch(/^REDIS_TLS /);
      expect(problems({ REDIS_TLS: 'true', REDIS_TLS_CA: join(dir, 'missing.pem') })).toEqual([
        'REDIS_TLS_CA cannot be read (ENOENT): give the path of a PEM file',
      ]);
      const notPem = join(dir, 'key.txt');
      writeFileSync(notPem, 'not a certificate');
      expect(problems({ REDIS_TLS: 'true', REDIS_TLS_CA: notPem })[0]).toMatch(/^REDIS_TLS_CA names .* which holds no PEM certificate/);
      expect(JSON.stringify(problems({ REDIS_URL: 'redis://:urlsecret@cache', REDIS_PASSWORD: 'envsecret' }))).not.toMatch(/urlsecret|envsecret/);
    });
  });

  it('requires admin credentials in production', () => {
    const secret = { SECRET_KEY: 'k'.repeat(32) };
    expect(() => parseEnvironment({ NODE_ENV: 'production', ...secret })).toThrow('ADMIN_USER and ADMIN_PASSWORD are required when NODE_ENV=production');
    const strong = 'correct-horse-battery';
    expect(parseEnvironment({ NODE_ENV: 'production', ADMIN_USER: 'ops', ADMIN_PASSWORD: strong, ...secret }).admin).toEqual({ user: 'ops', password: strong });
  });

  it('requires a real SECRET_KEY in production, and a long one anywhere', () => {
    const admin = { ADMIN_USER: 'ops', ADMIN_PASSWORD: 'correct-horse-battery' };
    expect(() => parseEnvironment({ NODE_ENV: 'production', ...admin })).toThrow('SECRET_KEY is required when NODE_ENV=production');
    expect(() => parseEnvironment({ SECRET_KEY: 'short' })).toThrow('SECRET_KEY must be at least 32 characters');
    expect(parseEnvironment({})).toMatchObject({ secretKeyIsDevelopmentDefault: true });
    expect(parseEnvironment({ SECRET_KEY: 'k'.repeat(32) })).toMatchObject({ secretKey: 'k'.repeat(32), secretKeyIsDevelopmentDefault: false });
  });

  it('reads the live-event settings as durations and counts', () => {
    expect(parseEnvironment({}).events).toEqual({ heartbeatMs: 15_000, maxStreamsPerMerchant: 100, streamTokenTtlMs: 600_000 });
    expect(parseEnvironment({ SSE_HEARTBEAT: 'PT2S' }).events.heartbeatMs).toBe(2000);
    expect(() => parseEnvironment({ SSE_HEARTBEAT: 'PT0S' })).toThrow('SSE_HEARTBEAT must be a positive ISO 8601 duration');
    expect(parseEnvironment({}).webhooks).toEqual({ timeoutMs: 5000, attempts: 16, backoffMs: 30_000, allowPrivate: true });
    expect(() => parseEnvironment({ WEBHOOK_TIMEOUT_MS: '20000' })).toThrow('WEBHOOK_TIMEOUT_MS must be at most 10000');
  });

  it('refuses short, well-known or name-like admin passwords in production only', () => {
    const production = (password: string, extra: Record<string, string> = {}) => () =>
      parseEnvironment({ NODE_ENV: 'production', ADMIN_USER: 'operations', ADMIN_PASSWORD: password, ...extra });
    expect(production('change-me')).toThrow('ADMIN_PASSWORD is a well-known password');
    expect(production('Password1234')).toThrow('ADMIN_PASSWORD is a well-known password');
    expect(production('short-pw')).toThrow('ADMIN_PASSWORD is shorter than 12 characters');
    expect(production('OPERATIONS')).toThrow('ADMIN_PASSWORD is shorter than 12 characters');
    expect(() => parseEnvironment({ NODE_ENV: 'production', ADMIN_USER: 'administrator1', ADMIN_PASSWORD: 'administrator1' })).toThrow('ADMIN_PASSWORD is the user name');
    expect(production('correct-horse-battery', { ADMIN_READONLY_USER: 'viewer', ADMIN_READONLY_PASSWORD: 'changeme' })).toThrow('ADMIN_READONLY_PASSWORD is a well-known password');
    expect(parseEnvironment({ NODE_ENV: 'development', ADMIN_USER: 'ops', ADMIN_PASSWORD: 'change-me' }).admin).toEqual({ user: 'ops', password: 'change-me' });
  });

  it('takes a read-only operator only next to the admin, under another name', () => {
    const admin = { ADMIN_USER: 'ops', ADMIN_PASSWORD: 'correct-horse-battery' };
    expect(parseEnvironment({ ...admin, ADMIN_READONLY_USER: 'viewer', ADMIN_READONLY_PASSWORD: 'pw' }).adminReadOnly).toEqual({ user: 'viewer', password: 'pw' });
    expect(() => parseEnvironment({ ADMIN_READONLY_USER: 'viewer', ADMIN_READONLY_PASSWORD: 'pw' })).toThrow('ADMIN_READONLY_USER needs ADMIN_USER and ADMIN_PASSWORD');
    expect(() => parseEnvironment({ ...admin, ADMIN_READONLY_USER: 'viewer' })).toThrow('ADMIN_READONLY_USER and ADMIN_READONLY_PASSWORD must be set together');
    expect(() => parseEnvironment({ ...admin, ADMIN_READONLY_USER: 'ops', ADMIN_READONLY_PASSWORD: 'other' })).toThrow('ADMIN_READONLY_USER must differ from ADMIN_USER');
  });

  it('lets webhooks reach private addresses by default outside production only, and takes only true or false', () => {
    const admin = { ADMIN_USER: 'ops', ADMIN_PASSWORD: 'a-long-enough-password', SECRET_KEY: 'k'.repeat(32) };
    expect(parseEnvironment({}).webhooks.allowPrivate).toBe(true);
    expect(parseEnvironment({ NODE_ENV: 'test' }).webhooks.allowPrivate).toBe(true);
    expect(parseEnvironment({ NODE_ENV: 'production', ...admin }).webhooks.allowPrivate).toBe(false);
    expect(parseEnvironment({ NODE_ENV: 'production', ...admin, WEBHOOK_ALLOW_PRIVATE: 'true' }).webhooks.allowPrivate).toBe(true);
    expect(parseEnvironment({ WEBHOOK_ALLOW_PRIVATE: 'false' }).webhooks.allowPrivate).toBe(false);
    expect(() => parseEnvironment({ WEBHOOK_ALLOW_PRIVATE: 'yes' })).toThrow('WEBHOOK_ALLOW_PRIVATE must be true or false');
  });

  it('protects /metrics with the admin credentials by default in production only, and can move it to its own port', () => {
    const admin = { ADMIN_USER: 'ops', ADMIN_PASSWORD: 'correct-horse-battery', SECRET_KEY: 'k'.repeat(32) };
    expect(parseEnvironment({}).metrics).toEqual({ auth: 'none', port: null });
    expect(parseEnvironment({ NODE_ENV: 'production', ...admin }).metrics).toEqual({ auth: 'admin', port: null });
    expect(parseEnvironment({ NODE_ENV: 'production', ...admin, METRICS_AUTH: 'none', METRICS_PORT: '9100' }).metrics).toEqual({ auth: 'none', port: 9100 });
    expect(() => parseEnvironment({ METRICS_AUTH: 'basic' })).toThrow('METRICS_AUTH');
    expect(() => parseEnvironment({ METRICS_PORT: '3000' })).toThrow('METRICS_PORT must differ from PORT');
  });

  it('reads the daily export settings: tick, catch-up window and lease', () => {
    expect(parseEnvironment({}).exports).toEqual({ tickEveryMs: 60_000, catchUpDays: 7, leaseMs: 60_000 });
    expect(parseEnvironment({ EXPORT_TICK_EVERY: 'PT1S', EXPORT_CATCH_UP_DAYS: '30', EXPORT_LEASE: 'PT2S' }).exports).toEqual({
      tickEveryMs: 1000,
      catchUpDays: 30,
      leaseMs: 2000,
    });
    expect(() => parseEnvironment({ EXPORT_TICK_EVERY: 'PT0S' })).toThrow('EXPORT_TICK_EVERY must be a positive ISO 8601 duration');
    expect(() => parseEnvironment({ EXPORT_CATCH_UP_DAYS: '0' })).toThrow('EXPORT_CATCH_UP_DAYS');
    expect(() => parseEnvironment({ EXPORT_LEASE: 'soon' })).toThrow('EXPORT_LEASE must be an ISO 8601 duration');
  });

  it('reads the retention settings: the longest retention (MAX_RETENTION, P1D to P3Y), the tick and the lease', () => {
    expect(parseEnvironment({}).retention).toEqual({ max: 'P3Y', tickEveryMs: 15 * 60_000, leaseMs: 120_000 });
    expect(parseEnvironment({ MAX_RETENTION: 'P1Y', RETENTION_TICK_EVERY: 'PT1S', RETENTION_LEASE: 'PT5S' }).retention).toEqual({
      max: 'P1Y',
      tickEveryMs: 1000,
      leaseMs: 5000,
    });
    expect(parseEnvironment({ MAX_RETENTION: 'PT24H' }).retention.max).toBe('PT24H');
    expect(parseEnvironment({ MAX_RETENTION: 'P36M' }).retention.max).toBe('P36M');
    expect(() => parseEnvironment({ MAX_RETENTION: 'PT23H' })).toThrow('MAX_RETENTION must be a duration from P1D to P3Y');
    expect(() => parseEnvironment({ MAX_RETENTION: 'P3Y1D' })).toThrow('MAX_RETENTION must be a duration from P1D to P3Y');
    expect(() => parseEnvironment({ MAX_RETENTION: '90 days' })).toThrow('MAX_RETENTION must be an ISO 8601 duration');
    expect(() => parseEnvironment({ RETENTION_TICK_EVERY: 'PT0S' })).toThrow('RETENTION_TICK_EVERY must be a positive ISO 8601 duration');
  });
});
