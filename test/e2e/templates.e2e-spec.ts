import { HeraldClient, makeOrder } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';

jest.setTimeout(60_000);

const FSI = '\u2068';
const PDI = '\u2069';

/** The first letter with a strong direction outside isolates: what a phone picks the text's direction from (UAX #9, P2). */
function firstStrongLetter(text: string): string | undefined {
  let depth = 0;
  for (const char of text) {
    if (char === FSI || char === '\u2066' || char === '\u2067') depth += 1;
    else if (char === PDI) depth = Math.max(0, depth - 1);
    else if (depth === 0 && /\p{L}/u.test(char)) return char;
  }
  return undefined;
}

/** Segments of a UCS-2 text without surrogate pairs, per 3GPP TS 23.040: 70 code units alone, 67 each when split. */
const ucs2Segments = (text: string) => (text.length <= 70 ? 1 : Math.ceil(text.length / 67));

const ARABIC_CONFIRMATION =
  'مرحبًا {{customerName}}، استلمنا طلبك {{reference}} من {{shopName}}. موعد الاستلام {{pickupDate}} الساعة {{pickupTime}}. شكرًا لثقتكم بنا!';

describe('merchant templates', () => {
  let stack: HeraldStack;
  let shop: HeraldClient;
  let otherShop: HeraldClient;

  beforeAll(async () => {
    stack = await startStack();
    shop = await stack.client.createMerchant({ name: 'Boulangerie Lune', timezone: 'Europe/Paris' });
    otherShop = await stack.client.createMerchant({ name: 'Other Shop', timezone: 'Europe/Paris' });
  });
  afterAll(() => stack?.stop());

  const sentTo = (phone: string) => stack.twilio.sent().filter((call) => call.to === phone);
  const pickupInDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

  it('an Arabic template goes out right to left, as UCS-2, in the segments Twilio counts', async () => {
    const saved = await shop.request('PUT', '/v1/templates/confirmation/ar', { body: ARABIC_CONFIRMATION });
    expect(saved).toMatchObject({ status: 201, body: { kind: 'confirmation', locale: 'ar', channel: null, subject: null, body: ARABIC_CONFIRMATION } });

    const phone = '+33622220001';
    const created = await shop.request('POST', '/v1/orders', makeOrder({ reference: 'A-77', customer: { name: 'Ada', phone, locale: 'ar' }, pickupAt: pickupInDays(3) }));
    const confirmation = await shop.waitFor(`/v1/notifications/${created.body.notifications[0].id}`, (n: any) => n.status === 'sent');
    const [call] = sentTo(phone);

    expect(call.body).toBe(confirmation.body);
    expect(call.body.startsWith(`مرحبًا ${FSI}Ada${PDI}، استلمنا طلبك ${FSI}A-77${PDI} من ${FSI}Boulangerie Lune${PDI}. موعد الاستلام ${FSI}`)).toBe(true);
    expect(call.body).toMatch(new RegExp(`الساعة ${FSI}\\d{1,2}:\\d{2} [صم]${PDI}\\. شكرًا لثقتكم بنا!$`));
    expect(firstStrongLetter(call.body)).toMatch(/\p{Script=Arabic}/u);
    expect(confirmation).toMatchObject({ encoding: 'UCS-2', segments: ucs2Segments(call.body) });
    expect(confirmation.segments).toBeGreaterThan(1);
    expect(confirmation.segments).toBe(call.segments);

    // The other merchant's Arabic customers get Herald's own Arabic text, not this merchant's.
    const elsewhere = '+33622220002';
    const other = await otherShop.request('POST', '/v1/orders', makeOrder({ reference: 'Z-1', customer: { phone: elsewhere, locale: 'ar' }, pickupAt: pickupInDays(3) }));
    const builtIn = await otherShop.waitFor(`/v1/notifications/${other.body.notifications[0].id}`, (n: any) => n.status === 'sent');
    expect(builtIn.body).toMatch(new RegExp(`^استلم ${FSI}Other Shop${PDI} طلبك ${FSI}Z-1${PDI}\\. موعد الاستلام`));
    expect(builtIn).toMatchObject({ encoding: 'UCS-2', segments: ucs2Segments(sentTo(elsewhere)[0].body) });
  });

  it('refuses {{unknown}}, a syntax error or a partial with its position, and saves nothing', async () => {
    const unknown = await shop.request('PUT', '/v1/templates/reminder/fr', { body: 'Bonjour {{customerName}},\nà {{unknown}}' });
    expect(unknown).toMatchObject({
      status: 400,
      body: { code: 'template_unknown_variable', details: { field: 'body', variable: 'unknown', position: { line: 2, column: 3, offset: 28 } } },
    });
    expect(unknown.body.message).toContain('line 2, column 3');
    expect(await shop.request('PUT', '/v1/templates/reminder/fr', { body: 'Prête {{pickupWhen' })).toMatchObject({
      status: 400,
      body: { code: 'template_syntax_error', details: { position: { line: 1, column: 19 } } },
    });
    expect(await shop.request('PUT', '/v1/templates/reminder/fr', { channel: 'email', subject: 'Commande {{#reference}}', body: 'ok' })).toMatchObject({
      status: 400,
      body: { code: 'template_syntax_error', details: { field: 'subject' } },
    });
    expect(await shop.request('PUT', '/v1/templates/reminder/fr', { body: '{{> footer}}' })).toMatchObject({ status: 400, body: { code: 'template_tag_not_allowed' } });
    expect(await shop.request('PUT', '/v1/templates/campaign/fr', { body: 'Votre commande {{reference}}' })).toMatchObject({
      status: 400,
      body: { code: 'template_unknown_variable', details: { variable: 'reference' } },
    });
    expect(await shop.request('POST', '/v1/templates/preview', { kind: 'reminder', locale: 'fr', channel: 'sms', body: '{{unknown}}' })).toMatchObject({
      status: 400,
      body: { code: 'template_unknown_variable', details: { position: { line: 1, column: 1 } } },
    });
    expect((await shop.request('GET', '/v1/templates?kind=reminder')).body).toEqual({ data: [] });
  });

  it('are created, replaced, read, listed and deleted per kind, locale and channel, each merchant its own', async () => {
    const put = (client: HeraldClient, body: unknown) => client.request('PUT', '/v1/templates/reminder/fr_ca', body);
    expect((await put(shop, { body: 'Prête {{pickupWhen}}' })).status).toBe(201);
    expect(await put(shop, { body: 'Elle est prête {{pickupWhen}}' })).toMatchObject({ status: 200, body: { locale: 'fr-CA', body: 'Elle est prête {{pickupWhen}}' } });
    expect((await put(shop, { channel: 'email', subject: '{{shopName}} : prête', body: 'Votre commande est prête {{pickupWhen}}' })).status).toBe(201);

    expect((await shop.request('GET', '/v1/templates/reminder/fr-CA')).body).toMatchObject({ channel: null, body: 'Elle est prête {{pickupWhen}}' });
    expect((await shop.request('GET', '/v1/templates/reminder/fr-CA?channel=email')).body).toMatchObject({ channel: 'email', subject: '{{shopName}} : prête' });
    expect(await shop.request('GET', '/v1/templates/reminder/fr-CA?channel=sms')).toMatchObject({ status: 404, body: { code: 'template_not_found' } });
    const listed = (await shop.request('GET', '/v1/templates?locale=fr-CA')).body.data;
    expect(listed.map((t: any) => [t.kind, t.locale, t.channel])).toEqual([
      ['reminder', 'fr-CA', null],
      ['reminder', 'fr-CA', 'email'],
    ]);

    // Another merchant sees none of it, and cannot change or delete it.
    expect((await otherShop.request('GET', '/v1/templates')).body).toEqual({ data: [] });
    expect((await otherShop.request('GET', '/v1/templates/reminder/fr-CA')).status).toBe(404);
    expect((await otherShop.request('DELETE', '/v1/templates/reminder/fr-CA')).status).toBe(404);
    expect((await put(otherShop, { body: 'Autre {{pickupWhen}}' })).status).toBe(201);
    expect((await shop.request('GET', '/v1/templates/reminder/fr-CA')).body.body).toBe('Elle est prête {{pickupWhen}}');

    expect((await shop.request('DELETE', '/v1/templates/reminder/fr-CA?channel=email')).status).toBe(204);
    expect((await shop.request('DELETE', '/v1/templates/reminder/fr-CA?channel=email')).status).toBe(404);
    expect((await shop.request('GET', '/v1/templates?locale=fr-CA')).body.data).toHaveLength(1);
    expect((await otherShop.request('GET', '/v1/templates/reminder/fr-CA')).body.body).toBe('Autre {{pickupWhen}}');
    expect((await stack.client.request('GET', '/v1/templates')).status).toBe(401);
    expect((await shop.request('PUT', '/v1/templates/newsletter/fr', { body: 'x' })).status).toBe(400);
  });

  it('render at send time: a reminder already scheduled goes out with the template saved since, by SMS and by email', async () => {
    const phone = '+33622220003';
    const created = await shop.request('POST', '/v1/orders', makeOrder({
      reference: 'R-5',
      customer: { name: 'Zoé', phone, email: 'zoe@example.com', locale: 'es' },
      channels: ['sms', 'email'],
      pickupAt: new Date(Date.now() + 6000).toISOString(),
      reminderBefore: 'PT3S',
    }));
    await shop.request('PUT', '/v1/templates/reminder/es', { body: '¡{{customerName}}, tu pedido {{reference}} te espera {{pickupWhen}}!' });
    await shop.request('PUT', '/v1/templates/reminder/es', { channel: 'email', subject: '{{shopName}}: pedido {{reference}}', body: 'Hola {{customerName}}: pedido {{reference}}.' });
    const reminders = created.body.notifications.filter((n: any) => n.kind === 'reminder');
    const [sms, email] = await Promise.all(reminders.map((r: any) => shop.waitFor(`/v1/notifications/${r.id}`, (n: any) => n.status === 'sent', 20_000)));
    expect(sms.body).toMatch(/^¡Zoé, tu pedido R-5 te espera hoy a las \d{1,2}:\d{2}!$/);
    expect(sms).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(sentTo(phone).at(-1)?.body).toBe(sms.body);
    expect(email).toMatchObject({ body: 'Hola Zoé: pedido R-5.', encoding: null, segments: null });
    expect(stack.sendgrid.sent().find((call) => call.text === 'Hola Zoé: pedido R-5.')).toMatchObject({ subject: 'Boulangerie Lune: pedido R-5' });
  });

  it('preview a text with sample values, its encoding and its segments', async () => {
    const preview = (body: Record<string, unknown>) => shop.request('POST', '/v1/templates/preview', { kind: 'reminder', locale: 'en', channel: 'sms', ...body });
    expect((await preview({ body: 'Hi {{customerName}}, {{reference}} is ready {{pickupWhen}} at {{shopName}}.' })).body).toEqual({
      text: 'Hi Ada, A-1042 is ready tomorrow at 10:00 AM at Boulangerie Lune.',
      subject: null,
      encoding: 'GSM-7',
      segments: 1,
    });
    // € is in GSM-7's extension table: two septets, still GSM-7.
    expect((await preview({ body: `${'x'.repeat(158)}€` })).body).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect((await preview({ body: `${'x'.repeat(159)}€` })).body).toMatchObject({ encoding: 'GSM-7', segments: 2 });
    expect((await preview({ body: `${'x'.repeat(69)}ç` })).body).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    expect((await preview({ body: `${'x'.repeat(70)}ç` })).body).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    const arabic = (await preview({ locale: 'ar', body: ARABIC_CONFIRMATION })).body;
    expect(arabic).toMatchObject({ encoding: 'UCS-2', segments: ucs2Segments(arabic.text) });
    expect(arabic.text).toContain(`${FSI}A-1042${PDI}`);
    expect((await preview({ kind: 'campaign', channel: 'email', subject: '{{shopName}}', body: 'Closed on Monday, {{customerName}}.' })).body).toEqual({
      text: 'Closed on Monday, Ada.',
      subject: 'Boulangerie Lune',
      encoding: null,
      segments: null,
    });
    expect((await shop.request('GET', '/v1/templates/defaults')).body.data).toHaveLength(12);
  });
});
