import { HeraldClient } from '../support/herald-client';
import { startWorker } from '../support/herald-process';
import { HeraldStack, startStack } from '../support/herald-stack';
import { parseMetrics } from '../support/metrics-text';

jest.setTimeout(60_000);

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const READ_ONLY = { user: 'prometheus', password: 'scrape-only-password' };

describe("the worker's /metrics and /health", () => {
  let stack: HeraldStack;
  let merchant: HeraldClient;
  let metricsUrl: string;

  beforeAll(async () => {
    stack = await startStack({ env: { JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '200' } });
    merchant = await stack.client.createMerchant({ name: 'Cave Bellevue' });
    metricsUrl = stack.workers[0].metricsUrl!;
  });
  afterAll(() => stack?.stop());

  const send = async (to: Record<string, string>, channel = 'sms') =>
    (await merchant.request('POST', '/v1/notifications', { channel, to, body: 'Your wine is in' })).body.id as string;
  const settled = (id: string, status: string) => merchant.waitFor(`/v1/notifications/${id}`, (n: any) => n.status === status);

  it('counts lateness, provider latency, outcomes by code, dead letters and alerts after a few sends', async () => {
    stack.twilio.failNext(1, { status: 500, message: 'Internal Server Error' });
    await settled(await send({ phone: '+33670000001' }), 'sent'); // a retry, then accepted
    stack.twilio.failNext(1, { status: 400, code: 21211, message: 'Invalid To' });
    const dead = await send({ phone: '+33670000002' });
    await settled(dead, 'dead');
    await stack.slack.waitForMessages(1);
    await Promise.all([send({ phone: '+33670000003' }), send({ phone: '+33670000004' }), send({ email: 'ada@example.com' }, 'email')].map(async (id) => settled(await id, 'sent')));

    const response = await fetch(`${metricsUrl}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const metrics = parseMetrics(await response.text());
    expect(metrics.sum('herald_send_lateness_seconds_count', { queue: 'critical', attempt: 'first' })).toBe(5);
    expect(metrics.sum('herald_send_lateness_seconds_count', { queue: 'critical', attempt: 'retry' })).toBe(1);
    expect(metrics.sum('herald_send_lateness_seconds_bucket', { queue: 'critical', attempt: 'first', le: '+Inf' })).toBe(5);
    // Sent right away: on average well under a second late.
    expect(metrics.sum('herald_send_lateness_seconds_sum', { attempt: 'first' }) / 5).toBeLessThan(1);
    expect(metrics.sum('herald_provider_request_duration_seconds_count', { provider: 'twilio', operation: 'send' })).toBe(5);
    expect(metrics.sum('herald_provider_request_duration_seconds_count', { provider: 'sendgrid', operation: 'send' })).toBe(1);
    expect(metrics.sum('herald_provider_outcomes_total', { provider: 'twilio', outcome: 'accepted' })).toBe(3);
    expect(metrics.sum('herald_provider_outcomes_total', { provider: 'twilio', outcome: 'transient', code: '20500' })).toBe(1);
    expect(metrics.sum('herald_provider_outcomes_total', { provider: 'twilio', outcome: 'permanent', code: '21211' })).toBe(1);
    expect(metrics.sum('herald_provider_outcomes_total', { provider: 'sendgrid', outcome: 'accepted' })).toBe(1);
    expect(metrics.sum('herald_dead_letters_total', { queue: 'critical', code: '21211' })).toBe(1);
    expect(metrics.sum('herald_operator_alerts_total', { destination: 'slack', outcome: 'delivered' })).toBe(1);
    expect(metrics.names).toContain('herald_process_cpu_seconds_total');

    // The send path's log lines name the notification and its job.
    const failed = stack.workers[0].output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .find((line) => line.msg === 'send failed' && line.notificationId === dead);
    expect(failed).toMatchObject({ jobId: `notification-${dead}`, code: '21211', final: true });
  });

  it('answers liveness and readiness (Postgres and Redis), and 404 elsewhere', async () => {
    const live = await fetch(`${metricsUrl}/health/live`);
    expect([live.status, await live.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${metricsUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as any).info).toEqual({ postgres: { status: 'up' }, redis: { status: 'up' } });
    const elsewhere = await fetch(`${metricsUrl}/admin`);
    expect([elsewhere.status, ((await elsewhere.json()) as any).code]).toEqual([404, 'not_found']);
  });

  it('asks for the admin or read-only credentials on /metrics under METRICS_AUTH=admin, as the API does; health stays open', async () => {
    const worker = await startWorker({
      ...stack.environment.env,
      PUBLIC_URL: stack.apiUrl,
      METRICS_AUTH: 'admin',
      ADMIN_READONLY_USER: READ_ONLY.user,
      ADMIN_READONLY_PASSWORD: READ_ONLY.password,
    });
    try {
      const scrape = (authorization?: string) => fetch(`${worker.metricsUrl}/metrics`, { headers: authorization ? { authorization } : {} });
      const anonymous = await scrape();
      expect([anonymous.status, ((await anonymous.json()) as any).code]).toEqual([401, 'admin_auth_required']);
      expect(anonymous.headers.get('www-authenticate')).toContain('Basic');
      const wrong = await scrape(basic(HeraldClient.admin.user, 'guess'));
      expect([wrong.status, await wrong.text()]).toEqual([401, expect.not.stringContaining('herald_')]);
      for (const [user, password] of [[HeraldClient.admin.user, HeraldClient.admin.password], [READ_ONLY.user, READ_ONLY.password]]) {
        const allowed = await scrape(basic(user, password));
        expect([user, allowed.status]).toEqual([user, 200]);
        expect(await allowed.text()).toContain('herald_send_lateness_seconds');
      }
      expect((await fetch(`${worker.metricsUrl}/health/live`)).status).toBe(200);
      expect((await fetch(`${worker.metricsUrl}/health/ready`)).status).toBe(200);
    } finally {
      await worker.kill();
    }
  });
});
