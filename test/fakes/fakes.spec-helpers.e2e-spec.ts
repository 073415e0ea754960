import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import { FakeSendGrid } from './sendgrid.fake';
import { FakeSlack } from './slack.fake';
import { FakeTwilio, twilioSignature } from './twilio.fake';

const TWILIO_ORIGIN = 'https://api.twilio.com';

/** Sends the SDK's requests to the fake instead of api.twilio.com. */
class FakeOriginRequestClient extends twilio.RequestClient {
  constructor(private readonly origin: string) {
    super();
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    return super.request({ ...opts, uri: opts.uri.replace(TWILIO_ORIGIN, this.origin) });
  }
}

interface ReceivedWebhook {
  url: string;
  signature: string;
  params: Record<string, string>;
}

/** A webhook receiver standing in for Herald's endpoints. */
async function startWebhookReceiver(): Promise<{ server: Server; url: string; received: ReceivedWebhook[] }> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({
        url: `${url}${req.url}`,
        signature: String(req.headers['x-twilio-signature']),
        params: Object.fromEntries(new URLSearchParams(body)),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url, received };
}

describe('FakeTwilio with the real twilio SDK', () => {
  let fake: FakeTwilio;
  let client: twilio.Twilio;
  let httpClient: FakeOriginRequestClient;

  beforeEach(async () => {
    fake = await FakeTwilio.start();
    httpClient = new FakeOriginRequestClient(fake.url);
    client = twilio(fake.accountSid, fake.authToken, { httpClient });
  });

  afterEach(() => fake.close());

  it('creates a message and records it', async () => {
    const message = await client.messages.create({
      to: '+15005550006',
      from: '+15005550001',
      body: 'hi',
      statusCallback: 'http://127.0.0.1:1/cb',
    });

    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message.status).toBe('queued');
    expect(message.accountSid).toBe(fake.accountSid);
    expect(message.numSegments).toBe('1');
    expect(message.dateCreated).toBeInstanceOf(Date);
    const [call] = await fake.waitForSent(1);
    expect(call).toMatchObject({
      to: '+15005550006',
      from: '+15005550001',
      body: 'hi',
      statusCallback: 'http://127.0.0.1:1/cb',
      sid: message.sid,
      status: 201,
    });
  });

  it('surfaces programmed failures as RestException', async () => {
    fake.failNext(1, { status: 400, code: 21211, message: "Invalid 'To' Phone Number" });

    const error = await client.messages.create({ to: '+15005550006', from: '+15005550001', body: 'hi' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(twilio.RestException);
    expect(error).toMatchObject({ code: 21211, status: 400 });
    await expect(client.messages.create({ to: '+15005550006', from: '+15005550001', body: 'hi' })).resolves.toBeDefined();
    expect(fake.calls.map((call) => call.status)).toEqual([400, 201]);
  });

  it('answers 429 with Retry-After', async () => {
    fake.failNext(1, { status: 429, retryAfterSeconds: 7 });

    await expect(client.messages.create({ to: '+15005550006', from: '+15005550001', body: 'hi' })).rejects.toMatchObject({
      status: 429,
      code: 20429,
    });
    expect(httpClient.lastResponse?.headers['retry-after']).toBe('7');
  });

  it('validates credentials, To and Body like Twilio', async () => {
    const wrongToken = twilio(fake.accountSid, 'f'.repeat(32), { httpClient });
    await expect(wrongToken.messages.create({ to: '+15005550006', from: '+15005550001', body: 'hi' })).rejects.toMatchObject({
      status: 401,
      code: 20003,
    });
    await expect(client.messages.create({ to: '555-1234', from: '+15005550001', body: 'hi' })).rejects.toMatchObject({
      status: 400,
      code: 21211,
    });
    await expect(client.messages.create({ to: '+15005550006', from: '+15005550001' })).rejects.toMatchObject({
      status: 400,
      code: 21602,
    });
    expect(fake.sent()).toHaveLength(0);
    expect(fake.calls).toHaveLength(3);
  });

  it('rejects waitForSent with a clear message on timeout', async () => {
    await expect(fake.waitForSent(1, 50)).rejects.toThrow('FakeTwilio: expected at least 1 accepted messages within 50ms, got 0');
  });

  it('sends signed status callbacks and inbound messages', async () => {
    const receiver = await startWebhookReceiver();
    try {
      await client.messages.create({ to: '+15005550006', from: '+15005550001', body: 'hi', statusCallback: `${receiver.url}/status` });
      const [call] = fake.sent();

      await expect(fake.sendStatusCallback(call, 'undelivered', { errorCode: '30003' })).resolves.toEqual({ status: 204, body: '' });
      await fake.sendInbound(`${receiver.url}/inbound`, { from: '+15005550006', to: '+15005550001', body: 'STOP' });
      await fake.sendStatusCallback(call, 'delivered', { authToken: 'forged' });

      const [status, inbound, forged] = receiver.received;
      expect(status.params).toMatchObject({ MessageSid: call.sid, MessageStatus: 'undelivered', ErrorCode: '30003' });
      expect(inbound.params).toMatchObject({ From: '+15005550006', Body: 'STOP', NumMedia: '0' });
      expect(twilio.validateRequest(fake.authToken, status.signature, status.url, status.params)).toBe(true);
      expect(twilio.validateRequest(fake.authToken, inbound.signature, inbound.url, inbound.params)).toBe(true);
      expect(twilio.validateRequest(fake.authToken, forged.signature, forged.url, forged.params)).toBe(false);
    } finally {
      await new Promise((resolve) => receiver.server.close(resolve));
    }
  });
});

describe('twilioSignature', () => {
  const url = 'https://herald.example.com/webhooks/twilio/status?merchant=42';
  const params = { MessageSid: 'SM123', MessageStatus: 'delivered', To: '+15005550006', AccountSid: 'AC123' };

  it('matches the SDK validator', () => {
    const signature = twilioSignature('secret-token', url, params);

    expect(twilio.validateRequest('secret-token', signature, url, params)).toBe(true);
    expect(twilio.validateRequest('another-token', signature, url, params)).toBe(false);
  });
});

describe('FakeSendGrid with the real @sendgrid/mail SDK', () => {
  let fake: FakeSendGrid;
  let mail: MailService;

  beforeEach(async () => {
    fake = await FakeSendGrid.start();
    const client = new Client();
    client.setApiKey(fake.apiKey);
    client.setDefaultRequest('baseUrl', fake.url);
    mail = new MailService();
    mail.setClient(client);
  });

  afterEach(() => fake.close());

  const message = {
    personalizations: [{ to: 'customer@example.com', customArgs: { notificationId: 'x' } }],
    from: 'orders@shop.example.com',
    subject: 'Your order',
    text: 'Ready for pickup',
  };

  it('accepts a mail with 202 and X-Message-Id', async () => {
    const [response] = await mail.send(message);

    expect(response.statusCode).toBe(202);
    expect(response.headers['x-message-id']).toMatch(/^[\w-]{22}$/);
    expect(fake.sent()).toEqual([
      expect.objectContaining({
        to: ['customer@example.com'],
        from: 'orders@shop.example.com',
        subject: 'Your order',
        text: 'Ready for pickup',
        customArgs: { notificationId: 'x' },
        messageId: response.headers['x-message-id'],
        status: 202,
      }),
    ]);
  });

  it('surfaces programmed failures as ResponseError', async () => {
    fake.failNext(1, { status: 400, message: 'bad things' });

    await expect(mail.send(message)).rejects.toMatchObject({
      code: 400,
      response: { body: { errors: [{ message: 'bad things', field: null, help: null }] } },
    });
    await expect(mail.send(message)).resolves.toBeDefined();
  });

  it('rejects a wrong API key with 401 and an invalid body with 400', async () => {
    const wrongKey = new Client();
    wrongKey.setApiKey('SG.wrong');
    wrongKey.setDefaultRequest('baseUrl', fake.url);
    const unauthorized = new MailService();
    unauthorized.setClient(wrongKey);

    await expect(unauthorized.send(message)).rejects.toMatchObject({ code: 401 });
    await expect(mail.send({ ...message, personalizations: [{ to: 'not-an-email' }] })).rejects.toMatchObject({
      code: 400,
      response: { body: { errors: [expect.objectContaining({ field: 'personalizations.0.to.0.email' })] } },
    });
    expect(fake.calls.map((call) => call.status)).toEqual([401, 400]);
  });

  it("refuses what SendGrid's official OpenAPI document refuses: top-level custom_args are a string there", async () => {
    const topLevel = { ...message, personalizations: [{ to: 'customer@example.com' }], customArgs: { notificationId: 'x' } };
    await expect(mail.send(topLevel)).rejects.toMatchObject({
      code: 400,
      response: { body: { errors: [expect.objectContaining({ field: 'custom_args', message: expect.stringContaining("SendGrid's OpenAPI document") })] } },
    });
    await expect(mail.send({ ...message, subject: '' })).rejects.toMatchObject({ code: 400 });
    expect(fake.sent()).toEqual([]);
  });

  it('decodes attachments, and rejects one without content', async () => {
    const csv = Buffer.from('\uFEFFreference,name\r\nA-1,Zoë\r\n');
    await mail.send({ ...message, attachments: [{ filename: 'orders.csv', type: 'text/csv', content: csv.toString('base64'), disposition: 'attachment' }] });
    const [call] = fake.sent();
    expect(call.attachments).toEqual([{ filename: 'orders.csv', type: 'text/csv', disposition: 'attachment', content: csv }]);
    await expect(mail.send({ ...message, attachments: [{ filename: 'empty.csv', content: '' }] })).rejects.toMatchObject({
      code: 400,
      response: { body: { errors: [expect.objectContaining({ field: 'attachments.0.content' })] } },
    });
  });

  it('leaves a call unanswered after hangNext, until the caller gives up', async () => {
    const impatient = new Client();
    impatient.setApiKey(fake.apiKey);
    impatient.setDefaultRequest('baseUrl', fake.url);
    impatient.setDefaultRequest('timeout' as 'method', 300 as never);
    const hung = new MailService();
    hung.setClient(impatient);
    fake.hangNext(1);

    await expect(hung.send(message)).rejects.toThrow(/timeout/i);
    expect(fake.calls.map((call) => call.status)).toEqual([0]);
    await expect(mail.send(message)).resolves.toBeDefined();
    expect(fake.sent()).toHaveLength(1);
  });
});

describe('FakeSlack', () => {
  let fake: FakeSlack;

  beforeEach(async () => {
    fake = await FakeSlack.start();
  });

  afterEach(() => fake.close());

  const post = (payload: unknown) =>
    fetch(fake.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload) });

  it('records incoming-webhook posts', async () => {
    const response = await post({ text: 'Queue backlog above 1000' });

    expect(response.status).toBe(200);
    await expect(response.text()).resolves.toBe('ok');
    const [message] = await fake.waitForMessages(1);
    expect(message.text).toBe('Queue backlog above 1000');
  });

  it('answers programmed failures', async () => {
    fake.failNext(1, 429, 30);

    const limited = await post({ text: 'x' });

    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect((await post({ text: 'x' })).status).toBe(200);
    expect(fake.messages).toHaveLength(1);
    expect(fake.attempts).toBe(2);
  });
});
