import { ProviderError, TwilioSmsChannel } from '@herald/channels';
import { FakeTwilio } from '../fakes/twilio.fake';

const FROM = '+15005550006';
const TO = '+33612340000';

/**
 * The takeover's question to Twilio ("did the crashed worker's message go out?"), asked by Herald's real adapter
 * through the official SDK to the wire fake: it pages back to the claim, and says so when Twilio cannot answer.
 */
describe('Twilio lookup of an already accepted message', () => {
  let twilio: FakeTwilio;
  let channel: TwilioSmsChannel;

  beforeEach(async () => {
    twilio = await FakeTwilio.start();
    const settings = { accountSid: twilio.accountSid, authToken: twilio.authToken, from: FROM, apiUrl: twilio.url, sdkTransport: false };
    channel = new TwilioSmsChannel(settings, 'http://127.0.0.1:1/webhooks/twilio/status', 1000);
  });
  afterEach(() => twilio.close());

  const send = (body: string, to = TO) => channel.send({ notificationId: '00000000-0000-4000-8000-000000000000', to, body });
  const lookup = (body: string, since: Date) => channel.findAccepted({ notificationId: '00000000-0000-4000-8000-000000000000', to: TO, body }, since);

  it('follows next_page_uri back to the claim and finds a message behind 120 newer ones', async () => {
    const claimedAt = new Date(Date.now() - 1000);
    const crashed = await send('Your order A-1 is ready');
    for (let i = 0; i < 120; i += 1) await send(`Your order B-${i} is ready`);
    await send('Your order A-1 is ready', '+33699999999'); // the same text to someone else is not a match
    twilio.listPageSizeLimit = 50;

    await expect(lookup('Your order A-1 is ready', claimedAt)).resolves.toEqual({ provider: 'twilio', providerMessageId: crashed.providerMessageId });
    expect(twilio.listCalls.map((c) => [c.query.Page ?? '0', c.served])).toEqual([
      ['0', 50],
      ['1', 50],
      ['2', 21],
    ]);
    expect(twilio.listCalls.every((c) => c.query.To === TO && c.query.From === FROM && c.query['DateSent>'])).toBe(true);
    expect(twilio.listCalls[1].query.PageToken).toMatch(/^PASM/);
  });

  it('reads every page before answering that nothing was sent, and stops at the claim time', async () => {
    for (let i = 0; i < 30; i += 1) await send(`Your order C-${i} is ready`);
    twilio.listPageSizeLimit = 10;
    await expect(lookup('Your order Z-9 is ready', new Date(Date.now() - 1000))).resolves.toBeNull();
    expect(twilio.listCalls).toHaveLength(3);
    // A message from before the claim is not the crashed worker's.
    await expect(lookup('Your order C-0 is ready', new Date(Date.now() + 5000))).resolves.toBeNull();
  });

  it.each([
    ['a key without read permission (403, code 20003)', { status: 403, code: 20003, message: 'Permission Denied' }, '20003'],
    ["a proxy's 404 page", { status: 404, raw: '<html><body>Not Found</body></html>' }, 'http_404'],
    ['a server error', { status: 503, code: 20503, message: 'Service Unavailable' }, '20503'],
  ])('throws a classified error on %s, never "not sent"', async (_case, reply, code) => {
    await send('Your order D-1 is ready');
    twilio.failListAlways(reply);
    const error = await lookup('Your order D-1 is ready', new Date(Date.now() - 1000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code });
  });

  it('throws when Twilio is slower than the provider timeout', async () => {
    twilio.listDelayMs = 2000;
    const started = Date.now();
    await expect(lookup('Your order E-1 is ready', new Date(Date.now() - 1000))).rejects.toBeInstanceOf(ProviderError);
    expect(Date.now() - started).toBeLessThan(1900);
  });
});
