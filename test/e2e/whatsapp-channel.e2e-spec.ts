import { ProviderError, TwilioWhatsAppChannel, WHATSAPP_SESSION_CLOSED_CODE, WHATSAPP_UNREACHABLE_CODES } from '@herald/channels';
import { FakeTwilio } from '../fakes/twilio.fake';

/** The shop's WhatsApp sender and a customer. */
const SHOP = '+15005550010';
const CUSTOMER = '+33612345670';
const TEMPLATE_SID = `HX${'ab12'.repeat(8)}`;

/**
 * The WhatsApp adapter against a fake Twilio that speaks WhatsApp's rules: templates start conversations, free-form text
 * needs the customer's 24-hour session window, a recipient without WhatsApp is refused for good, the rate limit is worth
 * a retry.
 */
describe('WhatsApp through Twilio (the adapter, over HTTP, against the fake)', () => {
  let twilio: FakeTwilio;
  let whatsapp: TwilioWhatsAppChannel;

  beforeAll(async () => {
    twilio = await FakeTwilio.start();
    whatsapp = new TwilioWhatsAppChannel(
      { accountSid: twilio.accountSid, authToken: twilio.authToken, from: '+15005550006', whatsappFrom: SHOP, apiUrl: twilio.url, sdkTransport: false },
      'http://127.0.0.1:9/webhooks/twilio/status',
      5000,
    );
  });
  afterAll(() => twilio?.close());
  afterEach(() => twilio.recover());

  const refusal = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error as ProviderError);

  it('sends an approved template, from and to whatsapp: addresses, with its variables as JSON', async () => {
    const receipt = await whatsapp.send({
      notificationId: 'n-1',
      to: CUSTOMER,
      content: { templateSid: TEMPLATE_SID, variables: { '1': 'A-1042', '2': 'tomorrow at 10:00' } },
    });
    expect(receipt.providerMessageId).toMatch(/^SM/);
    const [call] = twilio.sent().filter((c) => c.sid === receipt.providerMessageId);
    expect(call).toMatchObject({
      to: `whatsapp:${CUSTOMER}`,
      from: `whatsapp:${SHOP}`,
      body: '',
      contentSid: TEMPLATE_SID,
      contentVariables: { '1': 'A-1042', '2': 'tomorrow at 10:00' },
    });
    expect(call.statusCallback).toContain('notificationId=n-1');
  });

  it('refuses free-form text outside the session window (63016, permanent) and sends it once the customer has written', async () => {
    const outside = await refusal(whatsapp.send({ notificationId: 'n-2', to: CUSTOMER, content: { body: 'Your order is ready' } }));
    expect(outside).toMatchObject({ kind: 'permanent', code: WHATSAPP_SESSION_CLOSED_CODE });

    // A message 25 hours old opened a window that has closed since.
    twilio.customerWroteOnWhatsApp(CUSTOMER, SHOP, 25 * 3600_000);
    expect(await refusal(whatsapp.send({ notificationId: 'n-3', to: CUSTOMER, content: { body: 'Your order is ready' } }))).toMatchObject({ code: '63016' });

    twilio.customerWroteOnWhatsApp(CUSTOMER, SHOP, 3600_000);
    const receipt = await whatsapp.send({ notificationId: 'n-4', to: CUSTOMER, content: { body: 'Your order is ready' } });
    const sent = twilio.sent().find((c) => c.sid === receipt.providerMessageId)!;
    expect(sent.body).toBe('Your order is ready');
    expect(sent.contentSid).toBeUndefined();
  });

  it('classifies a recipient WhatsApp cannot reach as permanent, with the code that calls for SMS instead', async () => {
    for (const code of [63003, 63024] as const) {
      twilio.whatsappCannotReach(CUSTOMER, code);
      const failure = await refusal(whatsapp.send({ notificationId: `n-${code}`, to: CUSTOMER, content: { templateSid: TEMPLATE_SID, variables: {} } }));
      expect(failure).toMatchObject({ kind: 'permanent', code: String(code) });
      expect(WHATSAPP_UNREACHABLE_CODES).toContain(failure!.code);
      twilio.recover();
    }
  });

  it('retries the WhatsApp rate limit (63018) no sooner than Twilio asks', async () => {
    twilio.failNext(1, { status: 429, code: 63018, message: 'Rate limit exceeded for the WhatsApp sender', retryAfterSeconds: 2 });
    const failure = await refusal(whatsapp.send({ notificationId: 'n-5', to: CUSTOMER, content: { templateSid: TEMPLATE_SID, variables: {} } }));
    expect(failure).toMatchObject({ kind: 'transient', code: '63018', retryAfterMs: 2000 });
  });

  it('refuses a malformed Content SID before calling Twilio, and Twilio refuses one it does not know', async () => {
    const before = twilio.calls.length;
    const local = await refusal(whatsapp.send({ notificationId: 'n-6', to: CUSTOMER, content: { templateSid: 'HX123', variables: {} } }));
    expect(local).toMatchObject({ kind: 'permanent', code: 'invalid_content_sid' });
    expect(twilio.calls.length).toBe(before);

    // The fake speaks Twilio's own check too, for callers that skip the adapter's.
    const response = await fetch(`${twilio.url}/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: `whatsapp:${CUSTOMER}`, From: `whatsapp:${SHOP}`, ContentSid: 'HXnothex' }).toString(),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 21655 });
  });
});
