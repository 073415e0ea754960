import { generateKeyPairSync } from 'node:crypto';
import { sendGridEventSignature } from '../fakes/sendgrid.fake';
import { TwilioCall, twilioSignature } from '../fakes/twilio.fake';
import { HeraldClient } from '../support/herald-client';
import { HeraldStack, startStack, TWILIO_FROM } from '../support/herald-stack';

jest.setTimeout(60_000);

describe('provider receipts and opt-out keywords become statuses', () => {
  const sendgridKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  let stack: HeraldStack;
  let merchant: HeraldClient;

  beforeAll(async () => {
    stack = await startStack({
      // As SendGrid's settings page shows the verification key: base64 SubjectPublicKeyInfo, no PEM armour.
      env: { SENDGRID_WEBHOOK_PUBLIC_KEY: sendgridKeys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64') },
    });
    merchant = await stack.client.createMerchant();
  });
  afterAll(() => stack?.stop());

  const notification = (id: string) => merchant.request('GET', `/v1/notifications/${id}`).then((r) => r.body);

  /** A one-off SMS, once the worker has recorded it `sent`; with the call the fake Twilio received for it. */
  async function sentSms(phone: string, from: HeraldClient = merchant): Promise<{ id: string; call: TwilioCall; eventCount: number }> {
    const created = await from.request('POST', '/v1/notifications', { channel: 'sms', to: { phone }, body: 'Your order is ready' });
    expect(created.status).toBe(201);
    const sent = await from.waitFor(`/v1/notifications/${created.body.id}`, (n: any) => n.status === 'sent');
    const call = stack.twilio.sent().find((c) => c.sid === sent.providerMessageId)!;
    expect(call.statusCallback).toBe(`${stack.apiUrl}/webhooks/twilio/status?notificationId=${created.body.id}`);
    return { id: created.body.id, call, eventCount: sent.events.length };
  }

  async function sentEmail(email: string, from: HeraldClient = merchant): Promise<{ id: string; messageId: string }> {
    const created = await from.request('POST', '/v1/notifications', { channel: 'email', to: { email }, subject: 'Order ready', body: 'Your order is ready' });
    expect(created.status).toBe(201);
    const sent = await from.waitFor(`/v1/notifications/${created.body.id}`, (n: any) => n.status === 'sent');
    return { id: created.body.id, messageId: sent.providerMessageId };
  }

  /** A one-off SMS and how it ended (sent, or skipped before any provider call). */
  async function smsOutcome(phone: string): Promise<any> {
    const created = await merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone }, body: 'Your order is ready' });
    return merchant.waitFor(`/v1/notifications/${created.body.id}`, (n: any) => ['sent', 'skipped'].includes(n.status));
  }

  const inbound = (from: string, body: string, authToken?: string) =>
    stack.twilio.sendInbound(`${stack.apiUrl}/webhooks/twilio/inbound`, { from, to: TWILIO_FROM, body }, { authToken });

  async function postSendGridEvents(events: object[], opts: { tamper?: (body: string) => string } = {}) {
    const body = `${JSON.stringify(events)}\r\n`;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = sendGridEventSignature(sendgridKeys.privateKey, timestamp, body);
    return stack.client.request('POST', '/webhooks/sendgrid/events', opts.tamper ? opts.tamper(body) : body, {
      'content-type': 'application/json',
      'X-Twilio-Email-Event-Webhook-Signature': signature,
      'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
    });
  }

  describe('Twilio status callbacks', () => {
    it('marks an SMS delivered once: replays and a late "sent" change nothing', async () => {
      const { id, call, eventCount } = await sentSms('+33640000001');

      const delivered = await stack.twilio.sendStatusCallback(call, 'delivered');
      expect(delivered.status).toBe(204);
      const after = await notification(id);
      expect(after.status).toBe('delivered');
      expect(after.events).toHaveLength(eventCount + 1);
      expect(after.events.at(-1)).toMatchObject({ status: 'delivered', detail: { provider: 'twilio', providerStatus: 'delivered', messageSid: call.sid } });

      expect((await stack.twilio.sendStatusCallback(call, 'delivered')).status).toBe(204);
      expect((await stack.twilio.sendStatusCallback(call, 'sent')).status).toBe(204);
      expect((await stack.twilio.sendStatusCallback(call, 'undelivered', { errorCode: '30003' })).status).toBe(204);
      const replayed = await notification(id);
      expect(replayed).toMatchObject({ status: 'delivered', lastErrorCode: null });
      expect(replayed.events).toHaveLength(eventCount + 1);
    });

    it('refuses a forged callback with 403 and changes nothing', async () => {
      const { id, call, eventCount } = await sentSms('+33640000002');

      const forged = await stack.twilio.sendStatusCallback(call, 'delivered', { authToken: 'not-the-auth-token' });
      expect(forged.status).toBe(403);
      expect(JSON.parse(forged.body)).toMatchObject({ statusCode: 403, code: 'invalid_signature' });
      const unsigned = await stack.client.request('POST', `/webhooks/twilio/status?notificationId=${id}`, `MessageSid=${call.sid}&MessageStatus=delivered`, {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(unsigned.status).toBe(403);

      const after = await notification(id);
      expect(after.status).toBe('sent');
      expect(after.events).toHaveLength(eventCount);
    });

    it('marks an SMS undelivered with the carrier error code, and a later "delivered" does not undo it', async () => {
      const { id, call } = await sentSms('+33640000003');

      expect((await stack.twilio.sendStatusCallback(call, 'undelivered', { errorCode: '30003' })).status).toBe(204);
      const undelivered = await notification(id);
      expect(undelivered).toMatchObject({ status: 'undelivered', lastErrorCode: '30003', lastError: 'Unreachable destination handset' });

      expect((await stack.twilio.sendStatusCallback(call, 'delivered')).status).toBe(204);
      const after = await notification(id);
      expect(after.status).toBe('undelivered');
      expect(after.events.filter((e: any) => e.status === 'delivered')).toHaveLength(0);
    });

    it('opts the recipient out when Twilio reports error 21610, so the next SMS to them is skipped', async () => {
      const phone = '+33640000006';
      const { id, call } = await sentSms(phone);
      expect((await stack.twilio.sendStatusCallback(call, 'undelivered', { errorCode: '21610' })).status).toBe(204);
      expect(await notification(id)).toMatchObject({ status: 'undelivered', statusReason: 'opted_out', lastErrorCode: '21610' });
      expect(await smsOutcome(phone)).toMatchObject({ status: 'skipped', statusReason: 'opted_out' });
      expect(stack.twilio.sent().filter((c) => c.to === phone)).toHaveLength(1);
    });

    it('lands a receipt that overtakes the worker recording the send', async () => {
      let overtaking: Promise<{ status: number }> | undefined;
      stack.twilio.onAccepted = async (call) => {
        stack.twilio.onAccepted = undefined;
        overtaking = stack.twilio.sendStatusCallback(call, 'delivered');
        // Twilio has not answered the worker yet: the notification is still `sending`. A failure shows below.
        await overtaking.catch(() => undefined);
      };
      const created = await merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone: '+33640000004' }, body: 'Your order is ready' });

      const delivered = await merchant.waitFor(`/v1/notifications/${created.body.id}`, (n: any) => n.status === 'delivered');
      expect((await overtaking)!.status).toBe(204);
      const call = stack.twilio.sent().find((c) => c.to === '+33640000004')!;
      expect(delivered).toMatchObject({ provider: 'twilio', providerMessageId: call.sid });
      expect(delivered.events.map((e: any) => e.status)).toEqual(['queued', 'sending', 'delivered']);
      await new Promise((resolve) => setTimeout(resolve, 300)); // the worker's own `sent` write arrives just after
      const settled = await notification(created.body.id);
      expect(settled.status).toBe('delivered');
      expect(settled.body).toBe('Your order is ready');
      expect(new Date(settled.sentAt).getTime()).toBeGreaterThan(0); // the send's own facts are kept, without a status change
      expect(settled.events).toHaveLength(3);
    });

    it('matches a callback by its MessageSid: one naming another merchant’s notification in its URL changes neither', async () => {
      const other = await stack.client.createMerchant({ name: 'Other Shop' });
      const mine = await sentSms('+33640000007');
      const theirs = await sentSms('+33640000008', other);

      const crossed = await stack.twilio.sendStatusCallback(mine.call, 'delivered', { url: `${stack.apiUrl}/webhooks/twilio/status?notificationId=${theirs.id}` });
      expect(crossed.status).toBe(204);
      const theirsAfter = (await other.request('GET', `/v1/notifications/${theirs.id}`)).body;
      expect(theirsAfter.status).toBe('sent');
      expect(theirsAfter.events).toHaveLength(theirs.eventCount);
      expect((await notification(mine.id)).status).toBe('sent');

      // Its own callback still lands.
      expect((await stack.twilio.sendStatusCallback(mine.call, 'delivered')).status).toBe(204);
      expect((await notification(mine.id)).status).toBe('delivered');
    });

    it('ignores a callback for another Twilio account', async () => {
      const { id, call, eventCount } = await sentSms('+33640000009');
      const foreign = await stack.twilio.sendStatusCallback(call, 'delivered', { accountSid: 'AC00000000000000000000000000000000' });
      expect(foreign.status).toBe(204);
      const after = await notification(id);
      expect(after.status).toBe('sent');
      expect(after.events).toHaveLength(eventCount);
    });

    it('answers 204 for a signed receipt about a message Herald does not know', async () => {
      const stranger = await stack.twilio.sendStatusCallback(
        { at: Date.now(), to: '+33640000005', from: TWILIO_FROM, body: '', sid: 'SM00000000000000000000000000000000', status: 201 },
        'delivered',
        { url: `${stack.apiUrl}/webhooks/twilio/status?notificationId=00000000-0000-4000-8000-000000000000` },
      );
      expect(stranger.status).toBe(204);
    });
  });

  describe('STOP and START keywords', () => {
    it('stops texting a customer who sent STOP, refuses a forged START, and resumes after a signed START', async () => {
      const phone = '+33650000001';
      const stop = await inbound(phone, ' Stop ');
      expect(stop.status).toBe(200);
      expect(stop.body).toContain('<Response/>');

      const skipped = await smsOutcome(phone);
      expect(skipped).toMatchObject({ status: 'skipped', statusReason: 'opted_out' });

      expect((await inbound(phone, 'START', 'not-the-auth-token')).status).toBe(403);
      expect(await smsOutcome(phone)).toMatchObject({ status: 'skipped', statusReason: 'opted_out' });
      expect(stack.twilio.calls.filter((c) => c.to === phone)).toHaveLength(0);

      const start = await inbound(phone, 'start');
      expect(start.status).toBe(200);
      expect(await smsOutcome(phone)).toMatchObject({ status: 'sent' });
      expect(stack.twilio.sent().filter((c) => c.to === phone)).toHaveLength(1);
    });

    it('ignores ordinary messages, understands the French ARRÊT, and refuses unsigned requests', async () => {
      const chatty = '+33650000002';
      // Signed by hand, as Twilio does, to see the answer's headers.
      const url = `${stack.apiUrl}/webhooks/twilio/inbound`;
      const params = { AccountSid: stack.twilio.accountSid, Body: 'Is my order ready?', From: chatty, MessageSid: 'SM0123456789abcdef0123456789abcdef', To: TWILIO_FROM };
      const hello = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(stack.twilio.authToken, url, params) },
        body: new URLSearchParams(params).toString(),
      });
      expect(hello.status).toBe(200);
      expect(hello.headers.get('content-type')).toMatch(/^text\/xml/);
      expect(await hello.text()).toContain('<Response/>');
      expect(await smsOutcome(chatty)).toMatchObject({ status: 'sent' });

      const french = '+33650000003';
      const unsigned = await stack.client.request('POST', '/webhooks/twilio/inbound', `From=${encodeURIComponent(french)}&To=${encodeURIComponent(TWILIO_FROM)}&Body=STOP`, {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(unsigned.status).toBe(403);
      expect((await inbound(french, 'Arrêt')).status).toBe(200);
      expect(await smsOutcome(french)).toMatchObject({ status: 'skipped', statusReason: 'opted_out' });
      expect(stack.twilio.calls.filter((c) => c.to === french)).toHaveLength(0);
    });
  });

  describe('SendGrid events', () => {
    it('marks an email delivered from its custom arg; a replayed batch adds no event', async () => {
      const { id, messageId } = await sentEmail('ada@example.com');
      const events = [
        { email: 'ada@example.com', event: 'processed', notificationId: id, sg_message_id: `${messageId}.filter-1`, timestamp: 1 },
        { email: 'ada@example.com', event: 'delivered', notificationId: id, sg_message_id: `${messageId}.filter-1`, response: '250 OK', timestamp: 2 },
      ];
      expect((await postSendGridEvents(events)).status).toBe(204);
      const delivered = await notification(id);
      expect(delivered.status).toBe('delivered');
      expect(delivered.events.at(-1)).toMatchObject({ status: 'delivered', detail: { provider: 'sendgrid', event: 'delivered' } });

      expect((await postSendGridEvents(events)).status).toBe(204);
      expect((await notification(id)).events).toHaveLength(delivered.events.length);
    });

    it('marks a bounced email undelivered with the reason, matched by its message id alone', async () => {
      const { id, messageId } = await sentEmail('nobody@example.com');
      const reason = '550 5.1.1 The email account that you tried to reach does not exist.';
      const bounce = { email: 'nobody@example.com', event: 'bounce', type: 'bounce', status: '5.1.1', reason, sg_message_id: `${messageId}.filter-2`, timestamp: 3 };
      expect((await postSendGridEvents([bounce])).status).toBe(204);
      expect(await notification(id)).toMatchObject({ status: 'undelivered', statusReason: 'bounced', lastError: reason, lastErrorCode: '5.1.1' });
    });

    it('matches an event by its sg_message_id: one whose custom arg names another merchant’s mail changes neither', async () => {
      const other = await stack.client.createMerchant({ name: 'Other Mailer' });
      const mine = await sentEmail('mine@example.com');
      const theirs = await sentEmail('theirs@example.com', other);
      const crossed = { email: 'mine@example.com', event: 'bounce', type: 'bounce', status: '5.1.1', reason: 'no such user', notificationId: theirs.id, sg_message_id: `${mine.messageId}.filter-4`, timestamp: 7 };
      expect((await postSendGridEvents([crossed])).status).toBe(204);
      expect((await other.request('GET', `/v1/notifications/${theirs.id}`)).body.status).toBe('sent');
      expect((await notification(mine.id)).status).toBe('sent');
    });

    it('accepts a full-size batch (SendGrid posts up to about 768 KB), larger than the API body limit', async () => {
      const { id, messageId } = await sentEmail('big-batch@example.com');
      const filler = Array.from({ length: 2500 }, (_, i) => ({ email: `someone${i}@example.com`, event: 'open', sg_message_id: `other${i}.filter`, timestamp: 5 }));
      const events = [...filler, { email: 'big-batch@example.com', event: 'delivered', notificationId: id, sg_message_id: `${messageId}.filter-3`, timestamp: 6 }];
      expect(JSON.stringify(events).length).toBeGreaterThan(200_000);
      expect((await postSendGridEvents(events)).status).toBe(204);
      expect((await notification(id)).status).toBe('delivered');
    });

    it('refuses a tampered body with 403 and changes nothing', async () => {
      const { id } = await sentEmail('zoe@example.com');
      const response = await postSendGridEvents([{ email: 'zoe@example.com', event: 'processed', notificationId: id, timestamp: 4 }], {
        tamper: (body) => body.replace('processed', 'delivered'),
      });
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ statusCode: 403, code: 'invalid_signature' });
      expect((await notification(id)).status).toBe('sent');
    });
  });
});
