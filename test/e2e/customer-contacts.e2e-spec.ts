import { HeraldClient, makeOrder } from '../support/herald-client';
import { HeraldStack, startStack, TWILIO_FROM } from '../support/herald-stack';

jest.setTimeout(90_000);

type Merchant = HeraldClient & { merchantId: string };

describe('PATCH /v1/customers/:id changes a customer’s phone, email and name: normalised, unique per merchant, never merged', () => {
  let stack: HeraldStack;
  let shop: Merchant;
  let other: Merchant;

  beforeAll(async () => {
    stack = await startStack();
    [shop, other] = await Promise.all([stack.client.createMerchant({ name: 'Boulangerie Lune' }), stack.client.createMerchant({ name: 'Other Shop' })]);
  });
  afterAll(() => stack?.stop());

  /** A customer of `who`, created by its first order. */
  async function customer(who: Merchant, contacts: { phone?: string; email?: string }, order: Record<string, unknown> = {}): Promise<any> {
    const created = await who.request('POST', '/v1/orders', makeOrder({ customer: { name: 'Ada', ...contacts }, ...order }));
    expect(created.status).toBe(201);
    return created.body;
  }
  const patch = (who: Merchant, id: string, body: Record<string, unknown>) => who.request('PATCH', `/v1/customers/${id}`, body);
  const show = async (who: Merchant, id: string) => (await who.request('GET', `/v1/customers/${id}`)).body;
  const customersWith = (merchant: Merchant, column: 'phone' | 'email', value: string) =>
    stack.environment.query<{ id: string }>(`SELECT id FROM customers WHERE merchant_id = $1 AND ${column} = $2`, [merchant.merchantId, value]);
  const inbound = (from: string, body: string) => stack.twilio.sendInbound(`${stack.apiUrl}/webhooks/twilio/inbound`, { from, to: TWILIO_FROM, body });

  it('adds an email to a phone-only customer, who then prefers email; an order with both contacts is the same customer, not a second one', async () => {
    const { customer: ada } = await customer(shop, { phone: '+33612000001' });
    expect(ada.email).toBeNull();

    const changed = await patch(shop, ada.id, { email: 'Ada.Lune@Example.COM', preferredChannel: 'email', name: 'Ada L.' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: ada.id, name: 'Ada L.', phone: '+33612000001', email: 'ada.lune@example.com', preferredChannel: 'email' });

    const order = await shop.request('POST', '/v1/orders', makeOrder({ customer: { phone: '+33612000001', email: 'ada.lune@example.com' } }));
    expect(order.body).toMatchObject({ customer: { id: ada.id }, channels: ['email'] });
    expect(order.body.notifications.find((n: any) => n.kind === 'confirmation')).toMatchObject({ channel: 'email', to: 'ada.lune@example.com' });
    expect(await customersWith(shop, 'phone', '+33612000001')).toEqual([{ id: ada.id }]);
  });

  it('normalises a phone number written with spaces, and refuses a number or an address that cannot exist (400, nothing changed)', async () => {
    const { customer: zoe } = await customer(shop, { phone: '+33612000002' });
    expect((await patch(shop, zoe.id, { phone: '+33 6 12 00 00 03' })).body).toMatchObject({ phone: '+33612000003' });
    expect((await patch(shop, zoe.id, { phone: '+33 12' })).body).toMatchObject({ statusCode: 400, code: 'validation_failed' });
    expect((await patch(shop, zoe.id, { email: 'not an address' })).body).toMatchObject({ statusCode: 400, code: 'validation_failed' });
    expect((await patch(shop, zoe.id, { phone: null })).body).toMatchObject({ statusCode: 400, code: 'validation_failed' });
    expect(await show(shop, zoe.id)).toMatchObject({ phone: '+33612000003', email: null });
  });

  it('answers 409 customer_contact_taken for a phone or email another of the merchant’s customers has, and changes nothing; other merchants’ customers do not count', async () => {
    const { customer: first } = await customer(shop, { phone: '+33612000010', email: 'first@example.com' });
    const { customer: second } = await customer(shop, { phone: '+33612000011' });

    const phoneTaken = await patch(shop, second.id, { phone: '+33 6 12 00 00 10', locale: 'es' });
    expect(phoneTaken.body).toMatchObject({ statusCode: 409, code: 'customer_contact_taken', details: { field: 'phone' } });
    const emailTaken = await patch(shop, second.id, { email: 'FIRST@example.com', locale: 'es' });
    expect(emailTaken.body).toMatchObject({ statusCode: 409, code: 'customer_contact_taken', details: { field: 'email' } });
    expect(await show(shop, second.id)).toMatchObject({ phone: '+33612000011', email: null, locale: 'en' });
    expect(await show(shop, first.id)).toMatchObject({ phone: '+33612000010', email: 'first@example.com' });

    // Its own contacts again are no change; another merchant's customer at the same phone is another merchant's business.
    expect((await patch(shop, first.id, { phone: '+33612000010', email: 'first@example.com' })).status).toBe(200);
    const { customer: theirs } = await customer(other, { phone: '+33612000012' });
    expect((await patch(shop, second.id, { phone: '+33612000012' })).body).toMatchObject({ phone: '+33612000012' });
    expect(await show(other, theirs.id)).toMatchObject({ phone: '+33612000012' });
  });

  it('sends the messages not yet sent to the new phone: a reminder scheduled before the change goes to the new number', async () => {
    const pickupAt = new Date(Date.now() + 8_000).toISOString();
    const order = await customer(shop, { phone: '+33612000020' }, { pickupAt, reminderBefore: 'PT3S' });
    const reminder = order.notifications.find((n: any) => n.kind === 'reminder');
    expect(reminder).toMatchObject({ status: 'scheduled', to: '+33612000020' });
    // The confirmation has gone to the old number before the change (a slow machine could still hold it, and it would
    // rightly go to the new one).
    const confirmation = order.notifications.find((n: any) => n.kind === 'confirmation');
    await shop.waitFor(`/v1/notifications/${confirmation.id}`, (n: any) => n.status === 'sent' || n.status === 'delivered');

    expect((await patch(shop, order.customer.id, { phone: '+33612000021' })).status).toBe(200);
    expect((await shop.request('GET', `/v1/notifications/${reminder.id}`)).body).toMatchObject({ status: 'scheduled', to: '+33612000021' });
    const sent = await shop.waitFor(`/v1/notifications/${reminder.id}`, (n: any) => n.status === 'sent', 15_000);
    expect(sent.to).toBe('+33612000021');
    expect(stack.twilio.sent().filter((c) => c.to === '+33612000021')).toHaveLength(1);
    expect(stack.twilio.sent().filter((c) => c.to === '+33612000020' && c.body.includes(order.reference))).toHaveLength(1); // the confirmation only
  });

  it('moves the merchant’s own withdrawal with the customer; the customer’s STOP stays with the number it was texted from', async () => {
    // The merchant's withdrawal follows the customer to its new number, and leaves the old number free.
    const { customer: withdrawn } = await customer(shop, { phone: '+33612000030' });
    expect((await patch(shop, withdrawn.id, { consent: { sms: false } })).body.consent).toEqual({ sms: false, email: true, whatsapp: true });
    expect((await patch(shop, withdrawn.id, { phone: '+33612000031' })).body).toMatchObject({ phone: '+33612000031', consent: { sms: false } });
    const { customer: newcomer } = await customer(shop, { phone: '+33612000030' });
    expect(newcomer.id).not.toBe(withdrawn.id);
    expect((await show(shop, newcomer.id)).consent).toEqual({ sms: true, email: true, whatsapp: true });
    expect((await patch(shop, withdrawn.id, { consent: { sms: true } })).body.consent).toEqual({ sms: true, email: true, whatsapp: true });

    // The customer's own STOP belongs to the number: a new number is consented, and the old one stays opted out.
    const { customer: stopped } = await customer(shop, { phone: '+33612000032' });
    expect((await inbound('+33612000032', 'STOP')).status).toBe(200);
    expect((await show(shop, stopped.id)).consent).toEqual({ sms: false, email: true, whatsapp: true });
    expect((await patch(shop, stopped.id, { phone: '+33612000033' })).body).toMatchObject({ phone: '+33612000033', consent: { sms: true } });
    const { customer: atOldNumber } = await customer(shop, { phone: '+33612000032' });
    expect((await show(shop, atOldNumber.id)).consent).toEqual({ sms: false, email: true, whatsapp: true });
  });

  it('applies consent given with a new contact to the new contact, all or nothing: a refused consent leaves the contact unchanged', async () => {
    const { customer: ada } = await customer(shop, { phone: '+33612000040' });
    expect((await inbound('+33612000041', 'STOP')).status).toBe(200);
    // Consent back for a number whose owner texted STOP: refused, and the phone and language stay as they were.
    const refused = await patch(shop, ada.id, { phone: '+33612000041', locale: 'fr', consent: { sms: true } });
    expect(refused.body).toMatchObject({ statusCode: 409, code: 'opted_out_by_customer' });
    expect(await show(shop, ada.id)).toMatchObject({ phone: '+33612000040', locale: 'en', consent: { sms: true } });
    // An email and its withdrawal in one request: the withdrawal is the new address's.
    const both = await patch(shop, ada.id, { email: 'ada.40@example.com', consent: { email: false } });
    expect(both.body).toMatchObject({ email: 'ada.40@example.com', consent: { sms: true, email: false } });
    expect(await stack.environment.query(`SELECT contact FROM consent_withdrawals WHERE merchant_id = $1 AND channel = 'email'`, [shop.merchantId])).toEqual([
      { contact: 'ada.40@example.com' },
    ]);
  });
  it('never lets a creation and a change take one phone at once: exactly one of each racing pair wins', async () => {
    for (let i = 0; i < 10; i++) {
      const phone = `+336770000${String(i).padStart(2, '0')}`;
      const moving = await shop.request('POST', '/v1/customers', { name: `Mover ${i}`, email: `mover.${i}@example.com` });
      expect(moving.status).toBe(201);
      const [changed, created] = await Promise.all([
        shop.request('PATCH', `/v1/customers/${moving.body.id}`, { phone }),
        shop.request('POST', '/v1/customers', { name: `Newcomer ${i}`, phone }),
      ]);
      expect([[200, 409], [409, 201]]).toContainEqual([changed.status, created.status]);
      const holders = await stack.environment.query(`SELECT id FROM customers WHERE merchant_id = $1 AND phone = $2`, [shop.merchantId, phone]);
      expect(holders).toHaveLength(1);
    }
  });
});
