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
      worker: { criticalConcurrency: 20, bulkConcurrency: 5, metricsPort: 9464 },
    });
  });

  it('takes WORKER_METRICS_PORT 0 (any free port) and refuses one that is not a port', () => {
    expect(parseEnvironment({ WORKER_METRICS_PORT: '0' }).worker.metricsPort).toBe(0);
    expect(() => parseEnvironment({ WORKER_METRICS_PORT: '70000' })).toThrow('WORKER_METRICS_PORT');
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

  it('selects a Redis Cluster from its seeds, or a Sentinel-managed primary from its sentinels and name', () => {
    expect(parseEnvironment({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b:7001,[::1]:7002' }).redis).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'redis-b', port: 7001 },
        { host: '::1', port: 7002 },
      ],
    });
    expect(parseEnvironment({ REDIS_SENTINELS: 's1:26379,s2:26379', REDIS_SENTINEL_NAME: 'herald' }).redis).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      name: 'herald',
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

  it('requires admin credentials in production', () => {
    expect(() => parseEnvironment({ NODE_ENV: 'production' })).toThrow('ADMIN_USER and ADMIN_PASSWORD are required when NODE_ENV=production');
    expect(parseEnvironment({ NODE_ENV: 'production', ADMIN_USER: 'ops', ADMIN_PASSWORD: 'pw' }).admin).toEqual({ user: 'ops', password: 'pw' });
  });
});
