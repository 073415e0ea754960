import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DatabaseBeforeMigration } from '../support/database-before-migration';
import { HeraldClient, makeOrder } from '../support/herald-client';
import { HeraldStack, startStack, TWILIO_FROM } from '../support/herald-stack';

jest.setTimeout(90_000);

type Merchant = HeraldClient & { merchantId: string };

describe('consent belongs to whoever gave it: two merchants on the platform sender, one customer phone', () => {
  const sendgridKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  let stack: HeraldStack;
  let shopA: Merchant;
  let shopB: Merchant;

  beforeAll(async () => {
    stack = await startStack({
      env: { SENDGRID_WEBHOOK_PUBLIC_KEY: sendgridKeys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64') },
    });
    // Neither has its own number: both send from TWILIO_FROM.
    [shopA, shopB] = await Promise.all([stack.client.createMerchant({ name: 'Shop A' }), stack.client.createMerchant({ name: 'Shop B' })]);
  });
  afterAll(() => stack?.stop());

  /** A customer of `who` as an earlier order left it, written straight to the database: no message goes out for it. */
  async function seededCustomer(who: Merchant, contacts: { phone?: string; email?: string }): Promise<string> {
    const [row] = await stack.environment.query<{ id: string }>(
      `INSERT INTO customers (id, merchant_id, name, phone, email, locale) VALUES (gen_random_uuid(), $1, 'Zoé', $2, $3, 'en') RETURNING id`,
      [who.merchantId, contacts.phone ?? null, contacts.email ?? null],
    );
    return row.id;
  }
  const consentOf = async (who: Merchant, id: string) => (await who.request('GET', `/v1/customers/${id}`)).body.consent;
  const setConsent = (who: Merchant, id: string, consent: { sms?: boolean; email?: boolean }) => who.request('PATCH', `/v1/customers/${id}`, { consent });
  const inbound = (from: string, body: string) => stack.twilio.sendInbound(`${stack.apiUrl}/webhooks/twilio/inbound`, { from, to: TWILIO_FROM, body });

  /** The confirmation of a new order for the customer, once it is sent or skipped. */
  async function confirmation(who: Merchant, customerId: string): Promise<any> {
    const order = await who.request('POST', '/v1/orders', makeOrder({ customer: undefined, customerId }));
    expect(order.status).toBe(201);
    const { id } = order.body.notifications.find((n: any) => n.kind === 'confirmation');
    return who.waitFor(`/v1/notifications/${id}`, (n: any) => ['sent', 'skipped'].includes(n.status));
  }

  it('a merchant’s withdrawal is its own; the customer’s STOP holds for both and only START lifts it', async () => {
    const phone = '+33670000001';
    const ofA = await seededCustomer(shopA, { phone, email: 'a.customer@example.com' });
    const ofB = await seededCustomer(shopB, { phone, email: 'b.customer@example.com' });

    // A withdraws: B's customer at the same phone keeps its consent, and B's confirmation still goes by SMS.
    expect((await setConsent(shopA, ofA, { sms: false })).body.consent).toEqual({ sms: false, email: true, whatsapp: true });
    expect(await consentOf(shopB, ofB)).toEqual({ sms: true, email: true, whatsapp: true });
    const fromB = await confirmation(shopB, ofB);
    expect(fromB).toMatchObject({ status: 'sent', channel: 'sms', to: phone });
    expect(stack.twilio.sent().filter((c) => c.to === phone)).toHaveLength(1);
    expect(await confirmation(shopA, ofA)).toMatchObject({ channel: 'sms', status: 'skipped', statusReason: 'opted_out' });

    // B opting in (it never withdrew) does not undo A's withdrawal.
    expect((await setConsent(shopB, ofB, { sms: true })).body.consent).toEqual({ sms: true, email: true, whatsapp: true });
    expect(await consentOf(shopA, ofA)).toEqual({ sms: false, email: true, whatsapp: true });

    // The customer's STOP to the shared number stops both, and neither merchant can take it back.
    expect((await inbound(phone, 'STOP')).status).toBe(200);
    expect(await consentOf(shopA, ofA)).toEqual({ sms: false, email: true, whatsapp: true });
    expect(await consentOf(shopB, ofB)).toEqual({ sms: false, email: true, whatsapp: true });
    for (const [who, id] of [[shopA, ofA], [shopB, ofB]] as const) {
      expect((await setConsent(who, id, { sms: true })).body).toMatchObject({ statusCode: 409, code: 'opted_out_by_customer' });
      expect(await consentOf(who, id)).toEqual({ sms: false, email: true, whatsapp: true });
    }
    const callsBefore = stack.twilio.sent().filter((c) => c.to === phone).length;
    expect(await confirmation(shopB, ofB)).toMatchObject({ channel: 'sms', status: 'skipped', statusReason: 'opted_out' });

    // START lifts the customer's STOP, not A's own withdrawal, which A alone takes back.
    expect((await inbound(phone, 'START')).status).toBe(200);
    expect(await consentOf(shopB, ofB)).toEqual({ sms: true, email: true, whatsapp: true });
    expect(await consentOf(shopA, ofA)).toEqual({ sms: false, email: true, whatsapp: true });
    expect((await setConsent(shopA, ofA, { sms: true })).body.consent).toEqual({ sms: true, email: true, whatsapp: true });
    expect(await confirmation(shopA, ofA)).toMatchObject({ status: 'sent', channel: 'sms', to: phone });
    expect(stack.twilio.sent().filter((c) => c.to === phone)).toHaveLength(callsBefore + 1);
  });

  it('a customer’s unsubscribe that follows the merchant’s own withdrawal cannot be taken back by the merchant', async () => {
    const email = 'shared.mail@example.com';
    const ofA = await seededCustomer(shopA, { email });
    const ofB = await seededCustomer(shopB, { email });
    const sent = await shopB.request('POST', '/v1/notifications', { channel: 'email', to: { email }, subject: 'Order ready', body: 'Your order is ready' });
    const mail = await shopB.waitFor(`/v1/notifications/${sent.body.id}`, (n: any) => n.status === 'sent');

    expect((await setConsent(shopB, ofB, { email: false })).body.consent).toEqual({ sms: true, email: false, whatsapp: true });
    expect(await consentOf(shopA, ofA)).toEqual({ sms: true, email: true, whatsapp: true });
    const unsubscribe = [{ email, event: 'unsubscribe', timestamp: 1764518400, sg_message_id: `${mail.providerMessageId}.filter0001`, notificationId: mail.id }];
    expect(await stack.sendgrid.postEvents(`${stack.apiUrl}/webhooks/sendgrid/events`, sendgridKeys.privateKey, unsubscribe)).toBe(204);

    expect((await setConsent(shopB, ofB, { email: true })).body).toMatchObject({ statusCode: 409, code: 'opted_out_by_customer' });
    expect(await consentOf(shopB, ofB)).toEqual({ sms: true, email: false, whatsapp: true });
    // A's consent is A's: its customer never unsubscribed from A's mail, and B's withdrawal was B's.
    expect(await consentOf(shopA, ofA)).toEqual({ sms: true, email: true, whatsapp: true });
  });
});

describe('the consent migration: merchants’ withdrawals made before it', () => {
  let before: DatabaseBeforeMigration;
  let db: DataSource;

  beforeAll(async () => {
    before = await DatabaseBeforeMigration.create('ConsentWithdrawals');
    db = before.db;
  });
  afterAll(() => before?.destroy());

  it('gives each withdrawal to the merchants it stopped, and leaves customers’ own opt-outs where they were', async () => {
    const PLATFORM = '+15005550006';
    const OWN = '+15550001111';
    const merchant = async (name: string, smsFrom: string | null) =>
      (
        await db.query(
          `INSERT INTO merchants (id, name, timezone, default_reminder_before, api_key_hash, api_key_prefix, sms_from)
           VALUES (gen_random_uuid(), $1, 'Europe/Paris', 'PT1H', $2, 'hk_test', $3) RETURNING id`,
          [name, randomBytes(8).toString('hex'), smsFrom],
        )
      )[0].id as string;
    const [a, b, own] = [await merchant('A', null), await merchant('B', null), await merchant('Own number', OWN)];
    const customer = (merchantId: string, phone: string | null, email: string | null) =>
      db.query(`INSERT INTO customers (id, merchant_id, name, phone, email, locale) VALUES (gen_random_uuid(), $1, 'Zoé', $2, $3, 'en')`, [merchantId, phone, email]);
    await customer(a, '+33680000001', 'z@example.com');
    await customer(b, '+33680000001', 'z@example.com');
    await customer(own, '+33680000002', null);
    await customer(a, '+33680000002', null);
    await db.query(`INSERT INTO opt_outs (sender, phone, source) VALUES
      ($1, '+33680000001', 'merchant'), ($2, '+33680000002', 'merchant'), ($1, '+33680000002', 'keyword'), ($1, '+33680000003', 'merchant')`, [PLATFORM, OWN]);
    await db.query(`INSERT INTO email_opt_outs (merchant_id, email, source) VALUES ($1, 'z@example.com', 'merchant'), ($2, 'z@example.com', 'unsubscribe')`, [a, b]);

    const { ran, expected } = await before.migrateRest();
    expect(ran).toEqual(expected);
    db = before.db;

    const withdrawals = await db.query(`SELECT merchant_id AS "merchantId", channel, contact FROM consent_withdrawals ORDER BY channel, contact, merchant_id`);
    // The platform number's row: which of A and B made it is unknown, so both keep it (each can take its own back).
    // The own number's row: that merchant's alone, not A's, whose customer at that phone is texted from the platform number.
    expect(withdrawals).toEqual(
      expect.arrayContaining([
        { merchantId: a, channel: 'email', contact: 'z@example.com' },
        { merchantId: a, channel: 'sms', contact: '+33680000001' },
        { merchantId: b, channel: 'sms', contact: '+33680000001' },
        { merchantId: own, channel: 'sms', contact: '+33680000002' },
      ]),
    );
    expect(withdrawals).toHaveLength(4);
    expect(await db.query(`SELECT sender, phone, source FROM opt_outs ORDER BY phone`)).toEqual([
      { sender: PLATFORM, phone: '+33680000002', source: 'keyword' },
      // No merchant has a customer at it: still stops the whole sender, as before.
      { sender: PLATFORM, phone: '+33680000003', source: 'merchant' },
    ]);
    expect(await db.query(`SELECT merchant_id AS "merchantId", source FROM email_opt_outs`)).toEqual([{ merchantId: b, source: 'unsubscribe' }]);
  });
});
