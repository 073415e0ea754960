import { ProviderError, VonageSmsChannel } from '@herald/channels';
import { FakeVonage, VonageCall } from '../fakes/vonage.fake';
import { HeraldClient } from '../support/herald-client';
import { HeraldStack, startStack, VONAGE_FROM } from '../support/herald-stack';

jest.setTimeout(60_000);

const refusal = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error as ProviderError);

/** The Vonage adapter over HTTP, through the official SDK, against the fake speaking the SMS API's wire format and failures. */
describe('Vonage SMS adapter against the fake', () => {
  let vonage: FakeVonage;
  let channel: VonageSmsChannel;
  const settings = (fake: FakeVonage) => ({
    apiKey: fake.apiKey,
    apiSecret: fake.apiSecret,
    from: '+447700900001',
    apiUrl: fake.url,
    signatureSecret: fake.signatureSecret,
    signatureMethod: fake.signatureMethod,
  });

  beforeAll(async () => {
    vonage = await FakeVonage.start();
    channel = new VonageSmsChannel(settings(vonage), 'http://127.0.0.1:9/webhooks/vonage/status', 1000);
  });
  afterAll(() => vonage?.close());
  afterEach(() => {
    vonage.recover();
    vonage.delayMs = 0;
    vonage.answerDelayMs = 0;
  });

  const send = (to = '+33612345670', body = 'Your order A-1042 is ready') => channel.send({ notificationId: '3f0c2a9e-8d1b-4c52-9a57-6b1e0f4d2c71', to, body });

  it('sends with numbers as Vonage takes them, the notification id as client-ref and the receipt callback, and returns the message-id', async () => {
    const receipt = await send();
    const [call] = vonage.sent().filter((c) => c.messageId === receipt.providerMessageId);
    expect(receipt.provider).toBe('vonage');
    expect(call).toMatchObject({
      to: '33612345670',
      from: '447700900001',
      text: 'Your order A-1042 is ready',
      type: 'text',
      clientRef: '3f0c2a9e-8d1b-4c52-9a57-6b1e0f4d2c71',
      callback: 'http://127.0.0.1:9/webhooks/vonage/status',
    });
    await send('+33612345670', 'Votre commande est prête — à demain ✓');
    expect(vonage.sent().at(-1)?.type).toBe('unicode');
  });

  it('classifies refusals: recipient and account errors permanent, throttling and internal errors transient', async () => {
    expect(await refusal(send('+33'))).toMatchObject({ kind: 'permanent', code: 'vonage_3' });
    vonage.failNext(1, { status: '1' });
    expect(await refusal(send())).toMatchObject({ kind: 'transient', code: 'vonage_1' });
    vonage.failNext(1, { status: '5' });
    expect(await refusal(send())).toMatchObject({ kind: 'transient', code: 'vonage_5' });
    vonage.failNext(1, { status: '9' });
    expect(await refusal(send())).toMatchObject({ kind: 'permanent', code: 'vonage_9' });
    const wrongSecret = new VonageSmsChannel({ ...settings(vonage), apiSecret: 'wrong' }, 'http://127.0.0.1:9/x', 1000);
    expect(await refusal(wrongSecret.send({ notificationId: 'n', to: '+33612345670', body: 'x' }))).toMatchObject({ kind: 'permanent', code: 'vonage_4' });
  });

  it('classifies HTTP failures: 401 and 403 permanent, 429 (with Retry-After) and 5xx transient and not ambiguous', async () => {
    const accepted = vonage.sent().length;
    vonage.failNext(1, { httpStatus: 401 });
    expect(await refusal(send())).toMatchObject({ kind: 'permanent', code: 'http_401' });
    vonage.failNext(1, { httpStatus: 403 });
    expect(await refusal(send())).toMatchObject({ kind: 'permanent', code: 'http_403' });
    vonage.failNext(1, { httpStatus: 429, retryAfterSeconds: 2 });
    expect(await refusal(send())).toMatchObject({ kind: 'transient', code: 'http_429', retryAfterMs: 2000, ambiguous: false });
    vonage.failNext(1, { httpStatus: 503 });
    expect(await refusal(send())).toMatchObject({ kind: 'transient', code: 'http_503', ambiguous: false });
    expect(vonage.sent()).toHaveLength(accepted);
  });

  it('reports a timeout as transient and ambiguous (Vonage may have the message), a refused connection as not', async () => {
    const accepted = vonage.sent().length;
    vonage.failNext(1, { hang: true });
    expect(await refusal(send())).toMatchObject({ kind: 'transient', code: 'timeout', ambiguous: true });
    vonage.answerDelayMs = 1500;
    expect(await refusal(send())).toMatchObject({ kind: 'transient', code: 'timeout', ambiguous: true });
    // The held request was never taken; the slow one was, and its answer came too late.
    expect(vonage.sent()).toHaveLength(accepted + 1);
    const nowhere = new VonageSmsChannel({ ...settings(vonage), apiUrl: 'http://127.0.0.1:9' }, 'http://127.0.0.1:9/x', 1000);
    expect(await refusal(nowhere.send({ notificationId: 'n', to: '+33612345670', body: 'x' }))).toMatchObject({ kind: 'transient', code: 'network', ambiguous: false });
  });

  it('takes a slow answer within the timeout', async () => {
    vonage.delayMs = 300;
    vonage.answerDelayMs = 300;
    await expect(send()).resolves.toMatchObject({ provider: 'vonage' });
  });
});

describe('Vonage as the SMS provider (SMS_PROVIDERS=vonage): sends, signed receipts, STOP', () => {
  let stack: HeraldStack;
  let merchant: HeraldClient;

  beforeAll(async () => {
    stack = await startStack({ env: { SMS_PROVIDERS: 'vonage' } });
    merchant = await stack.client.createMerchant();
  });
  afterAll(() => stack?.stop());

  const notification = (id: string) => merchant.request('GET', `/v1/notifications/${id}`).then((r) => r.body);

  async function sentSms(phone: string): Promise<{ id: string; call: VonageCall; eventCount: number }> {
    const created = await merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone }, body: 'Your order is ready' });
    expect(created.status).toBe(201);
    const sent = await merchant.waitFor(`/v1/notifications/${created.body.id}`, (n: any) => n.status === 'sent');
    const call = stack.vonage.sent().find((c) => c.messageId === sent.providerMessageId)!;
    expect(sent.provider).toBe('vonage');
    expect(call).toMatchObject({ clientRef: created.body.id, callback: `${stack.apiUrl}/webhooks/vonage/status`, from: VONAGE_FROM.slice(1) });
    return { id: created.body.id, call, eventCount: sent.events.length };
  }

  async function smsOutcome(phone: string): Promise<any> {
    const created = await merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone }, body: 'Your order is ready' });
    return merchant.waitFor(`/v1/notifications/${created.body.id}`, (n: any) => ['sent', 'skipped'].includes(n.status));
  }

  it('sends through Vonage only, and marks the SMS delivered on a signed receipt, once', async () => {
    const { id, call, eventCount } = await sentSms('+33640000101');
    expect(stack.twilio.calls).toHaveLength(0);
    expect((await stack.vonage.sendDeliveryReceipt(call, 'delivered')).status).toBe(204);
    const after = await notification(id);
    expect(after.status).toBe('delivered');
    expect(after.events.at(-1)).toMatchObject({ status: 'delivered', detail: { provider: 'vonage', providerStatus: 'delivered', messageId: call.messageId } });
    expect((await stack.vonage.sendDeliveryReceipt(call, 'failed', { errCode: '3' })).status).toBe(204);
    expect(await notification(id)).toMatchObject({ status: 'delivered' });
    expect((await notification(id)).events).toHaveLength(eventCount + 1);
    // The time from Vonage's acceptance to its receipt, counted once, where the receipt landed.
    const metrics = String((await stack.client.request('GET', '/metrics')).body);
    expect(metrics).toMatch(/^herald_delivery_receipt_delay_seconds_count\{provider="vonage"\} 1$/m);
  });

  it('marks a failed receipt undelivered with its error, and ignores intermediate statuses', async () => {
    const { id, call } = await sentSms('+33640000102');
    expect((await stack.vonage.sendDeliveryReceipt(call, 'buffered')).status).toBe(204);
    expect(await notification(id)).toMatchObject({ status: 'sent' });
    expect((await stack.vonage.sendDeliveryReceipt(call, 'failed', { errCode: '3' })).status).toBe(204);
    expect(await notification(id)).toMatchObject({ status: 'undelivered', lastError: 'Absent subscriber (permanent)', lastErrorCode: 'vonage_dlr_3' });
  });

  it('refuses receipts signed with another secret, unsigned, or signed long ago: 403, nothing changes', async () => {
    const { id, call } = await sentSms('+33640000103');
    expect((await stack.vonage.sendDeliveryReceipt(call, 'delivered', { secret: 'not-the-secret' })).status).toBe(403);
    expect((await stack.vonage.sendDeliveryReceipt(call, 'delivered', { timestamp: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(403);
    const unsigned = await stack.client.request('POST', '/webhooks/vonage/status', { messageId: call.messageId, status: 'delivered' });
    expect(unsigned.status).toBe(403);
    expect(await notification(id)).toMatchObject({ status: 'sent' });
  });

  it('answers hostile webhook bodies with a 4xx and its code, never a 500, and changes nothing', async () => {
    const { id, call } = await sentSms('+33640000104');
    const deep = JSON.parse(`${'{"a":'.repeat(200)}1${'}'.repeat(200)}`);
    const bodies: unknown[] = [
      { messageId: call.messageId, status: 'delivered', sig: { $gt: '' }, timestamp: ['1'], 'api-key': null },
      { messageId: `${call.messageId}\u0000`, status: 'delivered\u0000', sig: 'a'.repeat(100_000), timestamp: 'NaN' },
      { messageId: [call.messageId], status: { delivered: true }, 'client-ref': '../../etc/passwd', sig: 1 },
      deep,
      [],
      'x'.repeat(2_000_000),
    ];
    for (const path of ['/webhooks/vonage/status', '/webhooks/vonage/inbound']) {
      for (const body of bodies) {
        const answer = await stack.client.request('POST', path, body);
        // The path in the expectation names which webhook answered what.
        expect([path, answer.status >= 400 && answer.status < 500, typeof answer.body?.code]).toEqual([path, true, 'string']);
      }
    }
    expect(await notification(id)).toMatchObject({ status: 'sent' });
  });

  it('stops texting a customer who texted STOP to the Vonage number (form-encoded too), and resumes after START', async () => {
    const phone = '+33640000104';
    const inbound = (text: string, form = false) => stack.vonage.sendInbound(`${stack.apiUrl}/webhooks/vonage/inbound`, { msisdn: phone, to: VONAGE_FROM, text }, { form });
    expect((await inbound('Stop')).status).toBe(204);
    const before = stack.vonage.sent().length;
    expect(await smsOutcome(phone)).toMatchObject({ status: 'skipped', statusReason: 'opted_out' });
    expect(stack.vonage.sent()).toHaveLength(before);
    expect((await inbound('START', true)).status).toBe(204);
    expect(await smsOutcome(phone)).toMatchObject({ status: 'sent', provider: 'vonage' });
  });

  it('dead-letters a number Vonage refuses for good, without retrying it', async () => {
    stack.vonage.failFor('+33640000105', { status: '3' });
    const created = await merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone: '+33640000105' }, body: 'Your order is ready' });
    const dead = await merchant.waitFor(`/v1/notifications/${created.body.id}`, (n: any) => n.status === 'dead');
    expect(dead).toMatchObject({ provider: 'vonage', lastErrorCode: 'vonage_3', attempts: 1 });
    expect(stack.vonage.calls.filter((c) => c.to === '33640000105')).toHaveLength(1);
  });
});
