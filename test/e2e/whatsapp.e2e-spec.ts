import { setTimeout as sleep } from 'node:timers/promises';
import { HeraldClient, makeOrder } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';

jest.setTimeout(120_000);

const WHATSAPP_FROM = '+14155238886';
const WHATSAPP_SENDER = `whatsapp:${WHATSAPP_FROM}`;
const CONTENT_SID = 'HX0123456789abcdef0123456789abcdef';
/** The free-form WhatsApp confirmation: what goes inside the session window. */
const SESSION_BODY = 'Hi {{customerName}}, {{shopName}} has your order {{reference}}.';

describe('WhatsApp through Twilio: templates, the session window, the fallback to SMS, consent', () => {
  let stack: HeraldStack;
  let merchant: HeraldClient & { merchantId: string };
  let other: HeraldClient & { merchantId: string };

  beforeAll(async () => {
    stack = await startStack({ env: { TWILIO_WHATSAPP_FROM: WHATSAPP_FROM } });
    merchant = await stack.client.createMerchant({ name: 'Fromagerie Nord' });
    // No WhatsApp template of its own: outside a session window its WhatsApp messages cannot go.
    other = await stack.client.createMerchant({ name: 'Other Shop' });
    const template = await merchant.request('PUT', '/v1/templates/confirmation/en', {
      channel: 'whatsapp',
      body: SESSION_BODY,
      contentSid: CONTENT_SID,
      contentVariables: ['customerName', 'reference', 'pickupWhen'],
    });
    expect(template.status).toBe(201);
    expect(template.body).toMatchObject({ channel: 'whatsapp', contentSid: CONTENT_SID, contentVariables: ['customerName', 'reference', 'pickupWhen'] });
  });
  afterAll(() => stack?.stop());
  afterEach(() => {
    stack.twilio.recover();
    stack.twilio.whatsappRefusals = 'answer';
  });

  const confirmationOf = (order: any) => order.notifications.find((n: any) => n.kind === 'confirmation');
  const smsTo = (phone: string) => stack.twilio.sent().filter((call) => call.to === phone);
  const inbound = (phone: string, body: string) =>
    stack.twilio.sendInbound(`${stack.apiUrl}/webhooks/twilio/inbound`, { from: `whatsapp:${phone}`, to: WHATSAPP_SENDER, body });

  /** A customer of `who` who prefers WhatsApp, made through the API. */
  async function whatsappCustomer(who: HeraldClient, phone: string, name = 'Ada'): Promise<string> {
    const created = await who.request('POST', '/v1/customers', { name, phone, locale: 'en', preferredChannel: 'whatsapp' });
    expect(created.status).toBe(201);
    return created.body.id;
  }

  async function orderFor(who: HeraldClient, customerId: string): Promise<{ order: any; confirmation: any }> {
    const order = await who.request('POST', '/v1/orders', makeOrder({ customer: undefined, customerId }));
    expect(order.status).toBe(201);
    return { order: order.body, confirmation: confirmationOf(order.body) };
  }

  it('opens the conversation with the approved template (ContentSid and its variables, no Body), then a reply lets the next go free-form', async () => {
    const phone = '+33622000001';
    stack.twilio.addWhatsAppUsers(phone);
    const id = await whatsappCustomer(merchant, phone);

    const { order, confirmation } = await orderFor(merchant, id);
    expect(order.channels).toEqual(['whatsapp']);
    expect(confirmation).toMatchObject({ channel: 'whatsapp', to: phone });
    const sent = await merchant.waitFor(`/v1/notifications/${confirmation.id}`, (n: any) => n.status === 'sent');
    const [template] = stack.twilio.whatsappTo(phone);
    expect(template).toMatchObject({ from: WHATSAPP_SENDER, body: '', contentSid: CONTENT_SID });
    expect(template.contentVariables).toEqual({ '1': 'Ada', '2': order.reference, '3': expect.stringMatching(/^(today|tomorrow) at /) });
    expect(sent.providerMessageId).toBe(template.sid);
    expect(sent.events.find((e: any) => e.status === 'sent').detail).toMatchObject({ whatsapp: 'template', contentSid: CONTENT_SID });

    // The customer answers over WhatsApp: its 24-hour window opens, recorded in Postgres.
    expect((await inbound(phone, 'Thanks! Can I come earlier?')).status).toBe(200);
    const [session] = await stack.environment.query<{ at: Date }>(`SELECT last_inbound_at AS at FROM whatsapp_sessions WHERE sender = $1 AND phone = $2`, [
      WHATSAPP_SENDER,
      phone,
    ]);
    expect(Date.now() - new Date(session.at).getTime()).toBeLessThan(60_000);

    const next = await orderFor(merchant, id);
    const freeForm = await merchant.waitFor(`/v1/notifications/${next.confirmation.id}`, (n: any) => n.status === 'sent');
    const [, second] = stack.twilio.whatsappTo(phone);
    expect(second.contentSid).toBeUndefined();
    expect(second.body).toBe(`Hi Ada, Fromagerie Nord has your order ${next.order.reference}.`);
    expect(freeForm.body).toBe(second.body);
    expect(freeForm.events.find((e: any) => e.status === 'sent').detail).toMatchObject({ whatsapp: 'session' });

    // A status callback finishes it like an SMS's.
    expect((await stack.twilio.sendStatusCallback(second, 'delivered')).status).toBe(204);
    await merchant.waitFor(`/v1/notifications/${freeForm.id}`, (n: any) => n.status === 'delivered');

    // A one-off WhatsApp message (POST /v1/notifications) goes free-form in the open window.
    const oneOff = await merchant.request('POST', '/v1/notifications', { channel: 'whatsapp', to: { phone }, body: 'Your table is ready.' });
    expect(oneOff.status).toBe(201);
    await merchant.waitFor(`/v1/notifications/${oneOff.body.id}`, (n: any) => n.status === 'sent');
    const oneOffCall = stack.twilio.whatsappTo(phone).at(-1)!;
    expect(oneOffCall.body).toBe('Your table is ready.');
    expect(oneOffCall.contentSid).toBeUndefined();
    expect(smsTo(phone)).toEqual([]);
  });

  it('falls back to SMS when the recipient has no WhatsApp (63003 in the answer), and the history says why', async () => {
    const phone = '+33622000002';
    const id = await whatsappCustomer(merchant, phone, 'Léa');
    const { order, confirmation } = await orderFor(merchant, id);

    const dead = await merchant.waitFor(`/v1/notifications/${confirmation.id}`, (n: any) => n.status === 'dead' && n.fallbackId);
    expect(dead).toMatchObject({ channel: 'whatsapp', lastErrorCode: '63003' });
    const fallback = await merchant.waitFor(`/v1/notifications/${dead.fallbackId}`, (n: any) => n.status === 'sent');
    expect(fallback).toMatchObject({ channel: 'sms', to: phone, fallbackForId: confirmation.id });
    expect(fallback.events[0].detail).toMatchObject({ fallbackFor: confirmation.id, channel: 'whatsapp', cause: '63003' });
    const [sms] = smsTo(phone);
    expect(sms.channel).toBe('sms');
    expect(sms.contentSid).toBeUndefined();
    expect(sms.body).toContain(order.reference);
    expect(stack.twilio.whatsappTo(phone)).toEqual([]);
  });

  it('falls back to SMS when Twilio accepts the WhatsApp message and its status callback says failed with 63003', async () => {
    stack.twilio.whatsappRefusals = 'callback';
    const phone = '+33622000003';
    const id = await whatsappCustomer(merchant, phone);
    const { order, confirmation } = await orderFor(merchant, id);

    const undelivered = await merchant.waitFor(`/v1/notifications/${confirmation.id}`, (n: any) => n.status === 'undelivered' && n.fallbackId);
    expect(undelivered).toMatchObject({ lastErrorCode: '63003' });
    const fallback = await merchant.waitFor(`/v1/notifications/${undelivered.fallbackId}`, (n: any) => n.status === 'sent');
    expect(fallback).toMatchObject({ channel: 'sms', to: phone });
    expect(smsTo(phone)[0].body).toContain(order.reference);
  });

  it('fails a message outside the window with no approved template, without asking Twilio, and sends it by SMS', async () => {
    const phone = '+33622000004';
    stack.twilio.addWhatsAppUsers(phone);
    const id = await whatsappCustomer(other, phone);
    const whatsappCallsBefore = stack.twilio.calls.filter((c) => c.channel === 'whatsapp').length;
    const { confirmation } = await orderFor(other, id);

    const dead = await other.waitFor(`/v1/notifications/${confirmation.id}`, (n: any) => n.status === 'dead' && n.fallbackId);
    expect(dead.lastErrorCode).toBe('whatsapp_template_missing');
    expect(dead.lastError).toMatch(/24-hour WhatsApp session window.*no approved WhatsApp template/);
    await other.waitFor(`/v1/notifications/${dead.fallbackId}`, (n: any) => n.status === 'sent' && n.channel === 'sms');
    expect(smsTo(phone)).toHaveLength(1);
    expect(stack.twilio.calls.filter((c) => c.channel === 'whatsapp')).toHaveLength(whatsappCallsBefore);
  });

  it('falls back to SMS when WhatsApp refuses a free-form message as outside the window (63016), whatever Herald believed', async () => {
    const phone = '+33622000009';
    stack.twilio.addWhatsAppUsers(phone);
    // Herald's record says the customer wrote an hour ago; WhatsApp (the fake) never saw it.
    await stack.environment.query(`INSERT INTO whatsapp_sessions (sender, phone, last_inbound_at) VALUES ($1, $2, now() - interval '1 hour')`, [WHATSAPP_SENDER, phone]);
    const id = await whatsappCustomer(merchant, phone);
    const { confirmation } = await orderFor(merchant, id);
    const dead = await merchant.waitFor(`/v1/notifications/${confirmation.id}`, (n: any) => n.status === 'dead' && n.fallbackId);
    expect(dead).toMatchObject({ lastErrorCode: '63016', attempts: 1 });
    await merchant.waitFor(`/v1/notifications/${dead.fallbackId}`, (n: any) => n.status === 'sent' && n.channel === 'sms');
    const refused = stack.twilio.calls.filter((c) => c.to === `whatsapp:${phone}`);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ status: 400, errorCode: 63016 });
    expect(refused[0].contentSid).toBeUndefined();
  });

  it('retries a WhatsApp rate limit (63018) and sends once it lifts', async () => {
    const phone = '+33622000005';
    stack.twilio.addWhatsAppUsers(phone);
    stack.twilio.failNext(1, { status: 429, code: 63018, message: 'Rate limit exceeded for Channel' });
    const id = await whatsappCustomer(merchant, phone);
    const { confirmation } = await orderFor(merchant, id);
    const sent = await merchant.waitFor(`/v1/notifications/${confirmation.id}`, (n: any) => n.status === 'sent');
    expect(sent).toMatchObject({ attempts: 2, fallbackId: null });
    expect(stack.twilio.whatsappTo(phone)).toHaveLength(1);
  });

  it('STOP over WhatsApp opts out of WhatsApp alone: the next message is skipped and goes by SMS; START opts back in', async () => {
    const phone = '+33622000006';
    stack.twilio.addWhatsAppUsers(phone);
    const id = await whatsappCustomer(merchant, phone);
    expect((await inbound(phone, 'Stop')).status).toBe(200);

    const shown = (await merchant.request('GET', `/v1/customers/${id}`)).body;
    expect(shown).toMatchObject({ consent: { sms: true, whatsapp: false }, optedOutByCustomer: { sms: false, whatsapp: true } });
    const refused = await merchant.request('PATCH', `/v1/customers/${id}`, { consent: { whatsapp: true } });
    expect(refused.body).toMatchObject({ statusCode: 409, code: 'opted_out_by_customer' });

    const { order, confirmation } = await orderFor(merchant, id);
    expect(confirmation.channel).toBe('whatsapp');
    const skipped = await merchant.waitFor(`/v1/notifications/${confirmation.id}`, (n: any) => n.status === 'skipped' && n.fallbackId);
    expect(skipped.statusReason).toBe('opted_out');
    const fallback = await merchant.waitFor(`/v1/notifications/${skipped.fallbackId}`, (n: any) => n.status === 'sent');
    expect(fallback).toMatchObject({ channel: 'sms', to: phone });
    expect(smsTo(phone)[0].body).toContain(order.reference);
    expect(stack.twilio.whatsappTo(phone)).toEqual([]);

    expect((await inbound(phone, 'START')).status).toBe(200);
    expect((await merchant.request('GET', `/v1/customers/${id}`)).body.consent).toMatchObject({ sms: true, whatsapp: true });
    const again = await orderFor(merchant, id);
    await merchant.waitFor(`/v1/notifications/${again.confirmation.id}`, (n: any) => n.status === 'sent');
    expect(stack.twilio.whatsappTo(phone)).toHaveLength(1);
  });

  it('a merchant’s own WhatsApp withdrawal holds for it alone: SMS consent and another merchant’s customer at that number are untouched', async () => {
    const phone = '+33622000007';
    stack.twilio.addWhatsAppUsers(phone);
    const mine = await whatsappCustomer(merchant, phone);
    const theirs = await whatsappCustomer(other, phone, 'Zoé');
    const withdrawn = await merchant.request('PATCH', `/v1/customers/${mine}`, { consent: { whatsapp: false } });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.consent).toMatchObject({ sms: true, whatsapp: false });
    expect(withdrawn.body.optedOutByCustomer).toMatchObject({ whatsapp: false });
    expect((await other.request('GET', `/v1/customers/${theirs}`)).body.consent).toMatchObject({ sms: true, whatsapp: true });

    // The other merchant reaches the customer on WhatsApp (free-form: the customer wrote first).
    expect((await inbound(phone, 'hello')).status).toBe(200);
    const { confirmation } = await orderFor(other, theirs);
    const sent = await other.waitFor(`/v1/notifications/${confirmation.id}`, (n: any) => n.status === 'sent');
    expect(sent.channel).toBe('whatsapp');
    expect(stack.twilio.whatsappTo(phone)).toHaveLength(1);

    // This merchant's next message goes by SMS instead; another merchant cannot see or change its customer.
    const mineOrder = await orderFor(merchant, mine);
    const skipped = await merchant.waitFor(`/v1/notifications/${mineOrder.confirmation.id}`, (n: any) => n.status === 'skipped' && n.fallbackId);
    await merchant.waitFor(`/v1/notifications/${skipped.fallbackId}`, (n: any) => n.status === 'sent' && n.channel === 'sms');
    expect((await other.request('PATCH', `/v1/customers/${mine}`, { consent: { whatsapp: true } })).body).toMatchObject({ statusCode: 404, code: 'customer_not_found' });
    await sleep(300);
    expect(stack.twilio.whatsappTo(phone)).toHaveLength(1);
  });

  it('refuses hostile input on the WhatsApp fields with 4xx codes and changes nothing', async () => {
    const put = (body: unknown) => merchant.request('PUT', '/v1/templates/reminder/en', body);
    const cases: [unknown, number, string][] = [
      [{ channel: 'whatsapp', body: 'x', contentSid: 'HX123' }, 400, 'invalid_content_sid'],
      [{ channel: 'whatsapp', body: 'x', contentSid: `HX${'g'.repeat(32)}` }, 400, 'invalid_content_sid'],
      [{ channel: 'whatsapp', body: 'x', contentSid: { $gt: '' } }, 400, 'invalid_content_sid'],
      [{ channel: 'whatsapp', body: 'x', contentSid: `${CONTENT_SID}\u0000` }, 400, 'invalid_content_sid'],
      [{ channel: 'sms', body: 'x', contentSid: CONTENT_SID }, 400, 'invalid_content_sid'],
      [{ body: 'x', contentSid: CONTENT_SID }, 400, 'invalid_content_sid'],
      [{ channel: 'whatsapp', body: 'x', contentSid: CONTENT_SID, contentVariables: ['shopName', 'nope'] }, 400, 'invalid_content_variables'],
      [{ channel: 'whatsapp', body: 'x', contentSid: CONTENT_SID, contentVariables: 'customerName' }, 400, 'invalid_content_variables'],
      [{ channel: 'whatsapp', body: 'x', contentSid: CONTENT_SID, contentVariables: Array(50).fill('shopName') }, 400, 'invalid_content_variables'],
      [{ channel: 'whatsapp', body: 'x', contentVariables: ['shopName'] }, 400, 'invalid_content_variables'],
      [{ channel: 'whatsapp', body: 'x', subject: 'Hi' }, 400, 'validation_failed'],
      [{ channel: 'WhatsApp', body: 'x' }, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await put(body);
      expect({ body, answer: answer.body }).toMatchObject({ body, answer: { statusCode: status, code } });
    }
    // A campaign has no order: its template cannot fill a placeholder with the reference.
    const campaign = await merchant.request('PUT', '/v1/templates/campaign/en', { channel: 'whatsapp', body: 'x', contentSid: CONTENT_SID, contentVariables: ['reference'] });
    expect(campaign.body).toMatchObject({ statusCode: 400, code: 'invalid_content_variables' });
    expect((await merchant.request('GET', '/v1/templates?kind=reminder')).body.data).toEqual([]);

    const id = await whatsappCustomer(merchant, '+33622000008');
    for (const [change, code] of [
      [{ preferredChannel: 'WHATSAPP' }, 'invalid_preferred_channel'],
      [{ consent: { whatsapp: 'no' } }, 'validation_failed'],
      [{ consent: { whatsApp: false } }, 'validation_failed'],
    ] as const) {
      expect((await merchant.request('PATCH', `/v1/customers/${id}`, change)).body).toMatchObject({ statusCode: 400, code });
    }
    const emailOnly = await merchant.request('POST', '/v1/customers', { email: 'wa.none@example.com', preferredChannel: 'whatsapp' });
    expect(emailOnly.body).toMatchObject({ statusCode: 422, code: 'channel_recipient_missing' });
    const noPhone = await merchant.request('POST', '/v1/notifications', { channel: 'whatsapp', to: { email: 'ada@example.com' }, body: 'Hi' });
    expect(noPhone.body).toMatchObject({ statusCode: 400, code: 'validation_failed' });
    const orderWithoutPhone = await merchant.request('POST', '/v1/orders', makeOrder({ customer: { email: 'wa.order@example.com' }, channels: ['whatsapp'] }));
    expect(orderWithoutPhone.body).toMatchObject({ statusCode: 422, code: 'channel_recipient_missing' });

    // An inbound WhatsApp message from an address that is no phone number, signed, is answered and changes nothing.
    const strange = await stack.twilio.sendInbound(`${stack.apiUrl}/webhooks/twilio/inbound`, { from: 'whatsapp:not-a-number', to: WHATSAPP_SENDER, body: 'STOP' });
    expect(strange.status).toBe(200);
    // Unsigned, it is refused.
    const forged = await fetch(`${stack.apiUrl}/webhooks/twilio/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ From: 'whatsapp:+33622000008', To: WHATSAPP_SENDER, Body: 'STOP' }).toString(),
    });
    expect(forged.status).toBe(403);
    expect(await stack.environment.query(`SELECT phone FROM whatsapp_sessions WHERE phone NOT LIKE '+%'`)).toEqual([]);
    expect(await stack.environment.query(`SELECT phone FROM opt_outs WHERE sender = 'whatsapp' AND phone IN ('not-a-number', '+33622000008')`)).toEqual([]);
  });
});
