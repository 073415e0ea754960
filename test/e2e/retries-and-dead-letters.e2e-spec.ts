import { HeraldClient } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';

jest.setTimeout(90_000);

const ADMIN = { authorization: `Basic ${Buffer.from(`${HeraldClient.admin.user}:${HeraldClient.admin.password}`).toString('base64')}` };

describe('retries, dead letters, alerts and redrive', () => {
  let stack: HeraldStack;
  let merchant: HeraldClient;

  beforeAll(async () => {
    // Reconciliation every second: its runs must still not pile up in critical's Completed tab.
    stack = await startStack({ env: { JOB_BACKOFF_MS: '300', JOB_ATTEMPTS: '4', RECONCILE_EVERY: 'PT1S' } });
    merchant = await stack.client.createMerchant({ name: 'Fleuriste Soleil' });
  });
  afterAll(() => stack?.stop());
  afterEach(() => stack.twilio.recover());

  const sms = (phone: string, body = 'Your bouquet is ready') => merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone }, body });
  const callsTo = (phone: string) => stack.twilio.calls.filter((c) => c.to === phone);
  const acceptedTo = (phone: string) => callsTo(phone).filter((c) => c.status === 201);

  /** Bull Board's HTTP API, as its page calls it. */
  const board = (method: string, path: string) => stack.client.request(method, `/admin/queues/api${path}`, undefined, ADMIN);
  const jobsIn = async (queue: string, status: string): Promise<any[]> =>
    (await board('GET', `/queues?activeQueue=${queue}&status=${status}&jobsPerPage=1000`)).body.queues.find((q: any) => q.name === queue).jobs;
  const pressRetry = (queue: string, jobId: string) => board('PUT', `/queues/${queue}/${encodeURIComponent(jobId)}/retry`);

  /** A text that Twilio refuses for good: it ends dead, with its dead letter parked. */
  async function deadSms(phone: string): Promise<{ id: string; letter: any }> {
    stack.twilio.failAlways({ status: 400, code: 21211, message: `The 'To' number ${phone} is not a valid phone number.` });
    const created = await sms(phone);
    await merchant.waitFor(`/v1/notifications/${created.body.id}`, (n: any) => n.status === 'dead');
    let letter: any;
    while (!(letter = (await jobsIn('dead-letter', 'failed')).find((j) => j.data.notificationId === created.body.id))) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    stack.twilio.recover();
    return { id: created.body.id, letter };
  }

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

    // The original job was replaced by the redrive's, which sent it: a Retry there now has nothing to send.
    expect(await jobsIn('critical', 'failed')).toEqual([]);
    expect((await pressRetry('critical', `notification-${created.body.id}`)).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(acceptedTo('+33610000003')).toHaveLength(1);
  });

  it("keeps a dead send's original job out of the Failed tab, and a Retry on it anyway sends once and clears the dead letter", async () => {
    const { id, letter } = await deadSms('+33610000004');
    const jobId = `notification-${id}`;
    // One place to press Retry: the dead letter. The original finished, saying where its send went.
    expect((await jobsIn('critical', 'failed')).map((j) => j.id)).not.toContain(jobId);
    const original = (await jobsIn('critical', 'completed')).find((j) => j.id === jobId);
    expect(original.returnValue).toEqual({ kind: 'dead', code: '21211', deadLetter: letter.id });

    // Bull Board offers Retry on completed jobs too: pressed there, it redrives the send, once.
    expect((await pressRetry('critical', jobId)).status).toBe(204);
    const sent = await merchant.waitFor(`/v1/notifications/${id}`, (n: any) => n.status === 'sent');
    expect(sent.events.map((e: any) => e.status)).toEqual(['queued', 'sending', 'dead', 'queued', 'sending', 'sent']);
    expect(sent.events[3].detail).toMatchObject({ redriven: true, by: 'job-retry', job: jobId });
    expect(acceptedTo('+33610000004')).toHaveLength(1);
    // ... and its dead letter is gone, so the two can never both redrive.
    expect((await jobsIn('dead-letter', 'failed')).map((j) => j.id)).not.toContain(letter.id);
    expect((await pressRetry('dead-letter', letter.id)).status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(acceptedTo('+33610000004')).toHaveLength(1);
  });

  it('redrives exactly once when the dead letter and the original job are retried at the same moment', async () => {
    const { id, letter } = await deadSms('+33610000005');
    const answers = await Promise.all([pressRetry('dead-letter', letter.id), pressRetry('critical', `notification-${id}`)]);
    // The second press may find its job already changed by the first: Herald's 409 if the job moved while the press was
    // handled, Bull Board's own 400 "not retriable" if it had moved before, or its 404 if the first press's redrive had
    // already removed the dead letter; any of them the operator can refresh away.
    expect(answers.filter((a) => a.status === 204).length).toBeGreaterThanOrEqual(1);
    for (const answer of answers.filter((a) => a.status !== 204)) {
      if (answer.status === 409) expect(answer.body).toMatchObject({ code: 'job_state_changed' });
      else if (answer.status === 404) expect(answer.body).toMatchObject({ error: { key: 'ERRORS.JOB_NOT_FOUND' } });
      else expect(answer).toMatchObject({ status: 400, body: { error: { key: 'ERRORS.JOB_NOT_RETRIABLE' } } });
    }
    const sent = await merchant.waitFor(`/v1/notifications/${id}`, (n: any) => n.status === 'sent');
    await new Promise((resolve) => setTimeout(resolve, 1500)); // room for a second redrive to show up
    expect(acceptedTo('+33610000005')).toHaveLength(1);
    const history = (await merchant.request('GET', `/v1/notifications/${id}`)).body.events;
    expect(history.filter((e: any) => e.detail?.redriven)).toHaveLength(1);
    expect(history.map((e: any) => e.status)).toEqual(sent.events.map((e: any) => e.status));
  });

  it("does not fill critical's Completed tab with reconciliation runs", async () => {
    const redis = stack.environment.redis();
    const runs = async () => Number(await redis.hget(`${stack.environment.env.QUEUE_PREFIX}:critical:repeat:reconcile-pending`, 'ic'));
    const before = await runs();
    const created = await sms('+33610000006');
    await merchant.waitFor(`/v1/notifications/${created.body.id}`, (n: any) => n.status === 'sent');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await runs()) - before).toBeGreaterThanOrEqual(2); // it did run, every second
    redis.disconnect();
    const completed = await jobsIn('critical', 'completed');
    expect(completed.map((j) => j.id)).toContain(`notification-${created.body.id}`);
    expect(completed.filter((j) => j.name === 'reconcile-pending')).toEqual([]);
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
