import { HeraldClient } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';

jest.setTimeout(90_000);

const ADMIN = { authorization: `Basic ${Buffer.from(`${HeraldClient.admin.user}:${HeraldClient.admin.password}`).toString('base64')}` };

describe('retries, dead letters, alerts and redrive', () => {
  let stack: HeraldStack;
  let merchant: HeraldClient;

  beforeAll(async () => {
    stack = await startStack({ env: { JOB_BACKOFF_MS: '300', JOB_ATTEMPTS: '4' } });
    merchant = await stack.client.createMerchant({ name: 'Fleuriste Soleil' });
  });
  afterAll(() => stack?.stop());
  afterEach(() => stack.twilio.recover());

  const sms = (phone: string, body = 'Your bouquet is ready') => merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone }, body });
  const callsTo = (phone: string) => stack.twilio.calls.filter((c) => c.to === phone);

  it('retries provider 500s with growing, jittered backoff until the send goes through', async () => {
    stack.twilio.failNext(2, { status: 500, message: 'Internal Server Error' });
    const created = await sms('+33610000001');
    const sent = await merchant.waitFor(`/v1/notifications/${created.body.id}`, (n: any) => n.status === 'sent');
    expect(sent.attempts).toBe(3);
    const [first, second, third] = callsTo('+33610000001');
    expect([first.status, second.status, third.status]).toEqual([500, 500, 201]);
    // Backoff base 300 ms with equal jitter: the 1st retry waits 150–300 ms, the 2nd 300–600 ms.
    expect(second.at - first.at).toBeGreaterThanOrEqual(150);
    expect(third.at - second.at).toBeGreaterThanOrEqual(300);
    expect(sent.events.map((e: any) => e.status)).toEqual(['queued', 'sending', 'queued', 'sending', 'queued', 'sending', 'sent']);
    expect(sent.events[2].detail).toMatchObject({ code: '20500', permanent: false });
  });

  it("waits at least the provider's Retry-After after a 429", async () => {
    stack.twilio.failNext(1, { status: 429, code: 20429, message: 'Too Many Requests', retryAfterSeconds: 1 });
    const created = await sms('+33610000002');
    await merchant.waitFor(`/v1/notifications/${created.body.id}`, (n: any) => n.status === 'sent');
    const [throttled, accepted] = callsTo('+33610000002');
    expect(throttled.status).toBe(429);
    expect(accepted.at - throttled.at).toBeGreaterThanOrEqual(1000);
  });

  it('dead-letters a permanent error after one try, alerts Slack once, and sends after a retry in Bull Board', async () => {
    const alertsBefore = stack.slack.messages.length;
    stack.twilio.failAlways({ status: 400, code: 21211, message: "The 'To' number +33610000003 is not a valid phone number." });
    const created = await sms('+33610000003');
    const dead = await merchant.waitFor(`/v1/notifications/${created.body.id}`, (n: any) => n.status === 'dead');
    expect(dead).toMatchObject({ attempts: 1, lastErrorCode: '21211' });
    expect(callsTo('+33610000003')).toHaveLength(1);

    await stack.slack.waitForMessages(alertsBefore + 1);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // an extra alert would have arrived by now
    const alerts = stack.slack.messages.slice(alertsBefore);
    expect(alerts).toHaveLength(1);
    expect(alerts[0].raw).not.toContain('+33610000003');
    expect(alerts[0].raw).toContain('21211');
    expect(alerts[0].raw).toContain('Fleuriste Soleil');
    expect(JSON.stringify(alerts[0].blocks)).toContain('/admin/queues');

    const letters = await stack.client.request('GET', '/admin/queues/api/queues?activeQueue=dead-letter&status=failed', undefined, ADMIN);
    const deadLetterQueue = letters.body.queues.find((q: any) => q.name === 'dead-letter');
    const letter = deadLetterQueue.jobs.find((j: any) => j.data.notificationId === created.body.id);
    expect(letter.data).toMatchObject({ queue: 'critical', error: { code: '21211', permanent: true } });

    stack.twilio.recover();
    const retried = await stack.client.request('PUT', `/admin/queues/api/queues/dead-letter/${encodeURIComponent(letter.id)}/retry`, undefined, ADMIN);
    expect(retried.status).toBe(204);
    const sent = await merchant.waitFor(`/v1/notifications/${created.body.id}`, (n: any) => n.status === 'sent');
    expect(sent.events.map((e: any) => e.status)).toEqual(['queued', 'sending', 'dead', 'queued', 'sending', 'sent']);
    expect(sent.events[3].detail).toMatchObject({ redriven: true, by: 'bull-board' });
    expect(callsTo('+33610000003').filter((c) => c.status === 201)).toHaveLength(1);
  });

  it('groups a burst of 30 dead letters into at most 5 Slack messages covering all 30', async () => {
    const alertsBefore = stack.slack.messages.length;
    stack.twilio.failAlways({ status: 400, code: 21408, message: 'Permission to send an SMS has not been enabled for the region' });
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => sms(`+4479${String(11000000 + i)}`).then((r) => r.body.id)));
    await Promise.all(ids.map((id) => merchant.waitFor(`/v1/notifications/${id}`, (n: any) => n.status === 'dead')));
    await stack.slack.waitForMessages(alertsBefore + 1);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const alerts = stack.slack.messages.slice(alertsBefore);
    expect(alerts.length).toBeGreaterThanOrEqual(1);
    expect(alerts.length).toBeLessThanOrEqual(5);
    const covered = alerts.reduce((sum, alert) => sum + (/^(\d+) dead letters/.exec(alert.text ?? '')?.[1] ? Number(/^(\d+)/.exec(alert.text!)![1]) : 1), 0);
    expect(covered).toBe(30);
    expect(alerts.map((a) => a.raw).join('')).not.toMatch(/\+4479\d{8}/);

    stack.twilio.recover();
    const redrive = await stack.client.request('POST', '/admin/dead-letters/redrive', { errorCode: '21408' }, ADMIN);
    expect(redrive.body).toEqual({ redriven: 30 });
    await Promise.all(ids.map((id) => merchant.waitFor(`/v1/notifications/${id}`, (n: any) => n.status === 'sent')));
    const redis = stack.environment.redis();
    const parked = await redis.zrange(`${stack.environment.env.QUEUE_PREFIX}:dead-letter:failed`, 0, -1);
    redis.disconnect();
    expect(parked).toEqual([]);
  });
});
