import { generateKeyPairSync } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { HeraldClient, makeOrder } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';

jest.setTimeout(90_000);

const INVALID_NUMBER = { status: 400, code: 21211, message: "The 'To' number is not a valid phone number." };

describe('customers: preferences, consent, and the fallback to the other channel', () => {
  const sendgridKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  let stack: HeraldStack;
  let merchant: HeraldClient & { merchantId: string };
  let other: HeraldClient & { merchantId: string };

  beforeAll(async () => {
    stack = await startStack({
      env: { SENDGRID_WEBHOOK_PUBLIC_KEY: sendgridKeys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64') },
    });
    merchant = await stack.client.createMerchant({ name: 'Fromagerie Nord' });
    other = await stack.client.createMerchant({ name: 'Other Shop' });
  });
  afterAll(() => stack?.stop());
  afterEach(() => stack.twilio.recover());

  /** A customer of `who`, created by its first order (whose notifications the test does not look at). */
  async function customer(who: HeraldClient, contacts: { phone?: string; email?: string; name?: string }): Promise<string> {
    const order = await who.request('POST', '/v1/orders', makeOrder({ customer: { name: 'Ada', ...contacts } }));
    expect(order.status).toBe(201);
    return order.body.customer.id;
  }

  /** A customer of `who` as an earlier order left it, written straight to the database: no message goes out for it. */
  async function seededCustomer(who: { merchantId: string }, contacts: { phone?: string; email?: string }): Promise<string> {
    const [row] = await stack.environment.query<{ id: string }>(
      `INSERT INTO customers (id, merchant_id, name, phone, email, locale) VALUES (gen_random_uuid(), $1, 'Zoé', $2, $3, 'en') RETURNING id`,
      [who.merchantId, contacts.phone ?? null, contacts.email ?? null],
    );
    return row.id;
  }
  const confirmationOf = (order: any) => order.notifications.find((n: any) => n.kind === 'confirmation');
  const mailsTo = (email: string) => stack.sendgrid.sent().filter((m) => m.to.includes(email));

  it('shows and changes a customer’s preferred channel, language and consent; orders by customerId follow the preference', async () => {
    const id = await customer(merchant, { phone: '+33611000001', email: 'ada.pref@example.com' });
    const shown = await merchant.request('GET', `/v1/customers/${id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ id, phone: '+33611000001', email: 'ada.pref@example.com', preferredChannel: null, consent: { sms: true, email: true } });

    const changed = await merchant.request('PATCH', `/v1/customers/${id}`, { preferredChannel: 'email', locale: 'fr' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ preferredChannel: 'email', locale: 'fr' });

    const mailsBefore = mailsTo('ada.pref@example.com').length;
    const order = await merchant.request('POST', '/v1/orders', makeOrder({ customer: undefined, customerId: id }));
    expect(order.status).toBe(201);
    expect(order.body.customer.id).toBe(id);
    expect(order.body.channels).toEqual(['email']);
    const confirmation = confirmationOf(order.body);
    expect(confirmation).toMatchObject({ channel: 'email', to: 'ada.pref@example.com', customerId: id });
    await merchant.waitFor(`/v1/notifications/${confirmation.id}`, (n: any) => n.status === 'sent');
    const [mail] = mailsTo('ada.pref@example.com').slice(mailsBefore);
    // The customer's language: the French built-in confirmation.
    expect(mail.text).toMatch(/commande/i);

    // A returning customer given by its contacts again is the same customer, with the same preference.
    const again = await merchant.request('POST', '/v1/orders', makeOrder({ customer: { phone: '+33611000001', email: 'ada.pref@example.com' } }));
    expect(again.body).toMatchObject({ customer: { id, locale: 'fr' }, channels: ['email'] });
  });

  it('keeps customers apart between merchants, and refuses bad input with stable codes', async () => {
    const theirs = await seededCustomer(other, { phone: '+33611000002' });
    expect((await merchant.request('GET', `/v1/customers/${theirs}`)).body).toMatchObject({ statusCode: 404, code: 'customer_not_found' });
    expect((await merchant.request('PATCH', `/v1/customers/${theirs}`, { locale: 'fr' })).body).toMatchObject({ statusCode: 404, code: 'customer_not_found' });
    expect((await merchant.request('GET', '/v1/customers/not-a-uuid')).status).toBe(404);
    const refused = await merchant.request('POST', '/v1/orders', makeOrder({ customer: undefined, customerId: theirs }));
    expect(refused.body).toMatchObject({ statusCode: 400, code: 'unknown_customer' });
    expect(await stack.environment.query(`SELECT count(*)::int AS n FROM orders WHERE customer_id = $1`, [theirs])).toEqual([{ n: 0 }]);
    // Still the other merchant's, unchanged.
    expect((await other.request('GET', `/v1/customers/${theirs}`)).body).toMatchObject({ id: theirs, locale: 'en' });

    const mine = await seededCustomer(merchant, { phone: '+33611000003' });
    expect((await merchant.request('PATCH', `/v1/customers/${mine}`, { preferredChannel: 'fax' })).body).toMatchObject({ statusCode: 400, code: 'invalid_preferred_channel' });
    expect((await merchant.request('PATCH', `/v1/customers/${mine}`, { preferredChannel: 'email' })).body).toMatchObject({ statusCode: 422, code: 'channel_recipient_missing' });
    const both = await merchant.request('POST', '/v1/orders', makeOrder({ customerId: mine }));
    expect(both.body).toMatchObject({ statusCode: 400, code: 'validation_failed' });
  });

  it('sends the email fallback when the SMS fails with 21211, links both, and raises no alert: the customer was reached', async () => {
    const phone = '+33611000010';
    stack.twilio.failFor(phone, INVALID_NUMBER);
    const alertsBefore = stack.slack.messages.length;
    const order = await merchant.request('POST', '/v1/orders', makeOrder({ customer: { name: 'Léa', phone, email: 'lea@example.com' } }));
    const sms = confirmationOf(order.body);
    expect(sms.channel).toBe('sms');

    const dead = await merchant.waitFor(`/v1/notifications/${sms.id}`, (n: any) => n.status === 'dead' && n.fallbackId);
    expect(dead).toMatchObject({ lastErrorCode: '21211', fallbackForId: null });
    const fallback = await merchant.waitFor(`/v1/notifications/${dead.fallbackId}`, (n: any) => n.status === 'sent');
    expect(fallback).toMatchObject({ channel: 'email', to: 'lea@example.com', kind: 'confirmation', orderId: order.body.id, fallbackForId: sms.id, fallbackId: null });
    expect(fallback.events[0].detail).toMatchObject({ fallbackFor: sms.id, cause: '21211' });
    const [mail] = mailsTo('lea@example.com');
    expect(mail.text).toContain(order.body.reference);
    // The order shows both.
    const seen = (await merchant.request('GET', `/v1/orders/${order.body.id}`)).body.notifications.map((n: any) => n.id);
    expect(seen).toEqual(expect.arrayContaining([sms.id, fallback.id]));

    await sleep(1500); // an alert would have arrived by now
    expect(stack.slack.messages.length).toBe(alertsBefore);
  });

  it('ends dead with exactly one Slack alert and no fallback when the customer has no consented email', async () => {
    const phone = '+33611000011';
    stack.twilio.failFor(phone, INVALID_NUMBER);
    const withdrawn = await seededCustomer(merchant, { phone: '+33611000012', email: 'no.mail@example.com' });
    expect((await merchant.request('PATCH', `/v1/customers/${withdrawn}`, { consent: { email: false } })).body.consent).toEqual({ sms: true, email: false, whatsapp: true });
    stack.twilio.failFor('+33611000012', INVALID_NUMBER);

    const alertsBefore = stack.slack.messages.length;
    const phoneOnly = confirmationOf((await merchant.request('POST', '/v1/orders', makeOrder({ customer: { phone } }))).body);
    const optedOut = confirmationOf((await merchant.request('POST', '/v1/orders', makeOrder({ customer: undefined, customerId: withdrawn, channels: ['sms'] }))).body);
    for (const { id } of [phoneOnly, optedOut]) {
      const dead = await merchant.waitFor(`/v1/notifications/${id}`, (n: any) => n.status === 'dead');
      expect(dead.fallbackId).toBeNull();
    }
    await stack.slack.waitForMessages(alertsBefore + 2);
    await sleep(1500); // an extra alert would have arrived by now
    expect(stack.slack.messages.length).toBe(alertsBefore + 2);
    expect(mailsTo('no.mail@example.com')).toEqual([]);
  });

  it('opts the email out on a SendGrid unsubscribe: the next email is skipped and goes by SMS instead', async () => {
    const email = 'zoe.unsub@example.com';
    const id = await seededCustomer(merchant, { phone: '+33611000020', email });
    await merchant.request('PATCH', `/v1/customers/${id}`, { preferredChannel: 'email' });
    const first = confirmationOf((await merchant.request('POST', '/v1/orders', makeOrder({ customer: undefined, customerId: id }))).body);
    const sent = await merchant.waitFor(`/v1/notifications/${first.id}`, (n: any) => n.status === 'sent');

    const events = [{ email: 'Zoe.Unsub@example.com', event: 'unsubscribe', timestamp: 1764518400, sg_message_id: `${sent.providerMessageId}.filter0001`, notificationId: first.id }];
    expect(await stack.sendgrid.postEvents(`${stack.apiUrl}/webhooks/sendgrid/events`, sendgridKeys.privateKey, events)).toBe(204);
    await merchant.waitFor(`/v1/customers/${id}`, (c: any) => c.consent.email === false);
    // The other merchant's mail to the same address is not affected.
    const theirs = await seededCustomer(other, { email });
    expect((await other.request('GET', `/v1/customers/${theirs}`)).body.consent.email).toBe(true);
    // Only the customer can take an unsubscribe back.
    expect((await merchant.request('PATCH', `/v1/customers/${id}`, { consent: { email: true } })).body).toMatchObject({ statusCode: 409, code: 'opted_out_by_customer' });

    const mailsBefore = mailsTo(email).length;
    const second = confirmationOf((await merchant.request('POST', '/v1/orders', makeOrder({ customer: undefined, customerId: id }))).body);
    const skipped = await merchant.waitFor(`/v1/notifications/${second.id}`, (n: any) => n.status === 'skipped' && n.fallbackId);
    expect(skipped.statusReason).toBe('opted_out');
    const fallback = await merchant.waitFor(`/v1/notifications/${skipped.fallbackId}`, (n: any) => n.status === 'sent');
    expect(fallback).toMatchObject({ channel: 'sms', to: '+33611000020', fallbackForId: second.id });
    expect(stack.twilio.sent().filter((c) => c.to === '+33611000020')).toHaveLength(1);
    expect(mailsTo(email).length).toBe(mailsBefore);
  });
});
