import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { readFile } from 'node:fs/promises';
import { Browser, Page } from 'playwright-core';
import { eventually, goTo, launchChromium, openSignedIn, seriousAxeViolations } from '../support/console-browser';
import { EXPORT_HEADER, expectedRow, seedExportedDay } from '../support/export-seed';
import { HeraldClient, makeOrder } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';

jest.setTimeout(90_000);

/** `instant` as an `<input type="datetime-local">` shows it in `timeZone`. */
function localInput(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(instant)
      .map(({ type, value }) => [type, value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

const mainText = (page: Page) => page.locator('main').innerText();

/** What a merchant does in the console, checked through the API: move, re-time and cancel orders, templates, campaigns, erase a customer, download and resend exports; and what a read key cannot do. */
describe('the console’s actions', () => {
  let stack: HeraldStack;
  let browser: Browser;
  let shop: HeraldClient & { merchantId: string };

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchChromium()]);
    shop = await stack.client.createMerchant({ name: 'Boulangerie Lune', timezone: 'Europe/Paris' });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('moves the pickup and the reminder with it, changes the lead time, and cancels the order', async () => {
    const pickup = new Date(Math.ceil((Date.now() + 30 * 3600_000) / 60_000) * 60_000);
    const order = (await shop.request('POST', '/v1/orders', makeOrder({ reference: 'M-1', pickupAt: pickup.toISOString(), reminderBefore: 'PT1H' }))).body;
    const reminder = order.notifications.find((n: { kind: string }) => n.kind === 'reminder');
    const { page, context } = await openSignedIn(browser, stack.apiUrl, shop.apiKey!, { path: `/orders/${order.id}` });

    const moved = new Date(pickup.getTime() + 2 * 3600_000 + 30 * 60_000);
    await page.locator('#pickup-at').fill(localInput(moved, 'Europe/Paris'));
    await page.getByRole('button', { name: 'Move pickup' }).click();
    await eventually(async () => expect(await page.getByRole('form', { name: 'Move pickup' }).innerText()).toContain('Saved'));
    const afterMove = (await shop.request('GET', `/v1/orders/${order.id}`)).body;
    expect(afterMove.pickupAt).toBe(moved.toISOString());
    const movedReminder = afterMove.notifications.find((n: { kind: string }) => n.kind === 'reminder');
    expect(movedReminder).toMatchObject({ id: reminder.id, status: 'scheduled', scheduledFor: new Date(moved.getTime() - 3600_000).toISOString() });
    expect(movedReminder.events.at(-1).detail).toMatchObject({ rescheduled: { to: new Date(moved.getTime() - 3600_000).toISOString() } });
    await eventually(async () => expect(await page.locator(`[data-notification="${reminder.id}"]`).innerText()).toContain('Moved from'));

    await page.locator('#lead-time').selectOption('PT3H');
    await page.getByRole('button', { name: 'Change lead time' }).click();
    await eventually(async () =>
      expect((await shop.request('GET', `/v1/orders/${order.id}`)).body).toMatchObject({ reminderBefore: 'PT3H', notifications: expect.arrayContaining([expect.objectContaining({ id: reminder.id, scheduledFor: new Date(moved.getTime() - 3 * 3600_000).toISOString() })]) }),
    );

    await page.getByRole('button', { name: 'Cancel order' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel the order' }).click();
    await eventually(async () => expect((await shop.request('GET', `/v1/orders/${order.id}`)).body.status).toBe('cancelled'));
    await eventually(async () => expect(await page.locator(`[data-notification="${reminder.id}"] h3 [data-status]`).getAttribute('data-status')).toBe('cancelled'));
    expect(await page.getByRole('button', { name: 'Move pickup' }).count()).toBe(0);
    await context.close();
  });

  it('previews a template live, and shows a saved template’s error at its line and column, with the cursor there', async () => {
    const { page, context } = await openSignedIn(browser, stack.apiUrl, shop.apiKey!, { path: '/templates' });
    const body = page.locator('#template-body');
    await body.fill('Hello {{customerName}}, your order {{reference}} is ready {{pickupWhen}}.');
    await eventually(async () => expect(await page.locator('[data-preview]').innerText()).toContain('Hello Ada, your order A-1042 is ready'));
    expect(await page.locator('[data-preview]').locator('xpath=..').innerText()).toMatch(/1 segment \(GSM-7\)/);

    const text = 'Hello {{customerName}},\nyour order {{refrence}} is ready.';
    await body.fill(text);
    await page.getByRole('button', { name: 'Save template' }).click();
    const problem = page.locator('#template-error');
    await eventually(async () => expect(await problem.getAttribute('data-offset')).toBe(String(text.indexOf('{{refrence}}'))));
    expect(await problem.innerText()).toContain('Line 2, column 12: Unknown variable {{refrence}}');
    expect(await problem.locator('pre').innerText()).toBe('your order {{refrence}} is ready.\n           ^');
    expect(await body.evaluate((element) => [(element as unknown as { selectionStart: number }).selectionStart, element === (element.ownerDocument as unknown as { activeElement: unknown }).activeElement])).toEqual([text.indexOf('{{refrence}}'), true]);
    expect(await body.getAttribute('aria-invalid')).toBe('true');
    expect((await shop.request('GET', '/v1/templates/confirmation/en')).status).toBe(404);

    await body.fill('Hello {{customerName}}, your order {{reference}} is ready.');
    await page.getByRole('button', { name: 'Save template' }).click();
    await eventually(async () => expect((await shop.request('GET', '/v1/templates/confirmation/en')).body.body).toBe('Hello {{customerName}}, your order {{reference}} is ready.'));
    await context.close();
  });

  it('names a WhatsApp template’s approved Content template and its variables, explains a bad SID and a variable the kind lacks beside their fields, and takes it off', async () => {
    const sid = 'HXb5b62575e6e4ff6129ad7c8efe1f983e';
    const { page, context } = await openSignedIn(browser, stack.apiUrl, shop.apiKey!, { path: '/templates' });
    const sidField = page.getByLabel('Content SID (HX and 32 hexadecimal digits; empty: none)');
    const variablesField = page.getByLabel('Variables filling {{1}}, {{2}}…, in order');
    const problem = page.locator('#template-content-error');
    const saveButton = page.getByRole('button', { name: 'Save template' });
    const saved = () => shop.request('GET', '/v1/templates/confirmation/en?channel=whatsapp');
    // Only a WhatsApp template has one.
    await page.locator('#template-body').waitFor();
    expect(await sidField.count()).toBe(0);
    await page.getByRole('combobox', { name: /^Channel/ }).selectOption('whatsapp');
    await page.locator('#template-body').fill('Hi {{customerName}}, your order {{reference}} is ready {{pickupWhen}}.');

    await sidField.fill('HX123');
    await variablesField.fill('customerName reference pickupWhen');
    await saveButton.click();
    await eventually(async () => expect(await problem.innerText()).toBe('A Content SID is HX followed by 32 hexadecimal digits, as Twilio shows it.'));
    expect(await sidField.getAttribute('aria-invalid')).toBe('true');
    expect((await sidField.getAttribute('aria-describedby'))!.split(' ')).toContain('template-content-error');
    expect(await page.locator('main [role=alert]').count()).toBe(1);
    expect((await saved()).status).toBe(404);

    await sidField.fill(sid);
    await saveButton.click();
    await eventually(async () => expect((await saved()).body).toMatchObject({ contentSid: sid, contentVariables: ['customerName', 'reference', 'pickupWhen'] }));
    await eventually(async () => expect(await page.locator('main [role=status]', { hasText: 'Saved' }).count()).toBe(1));
    expect(await problem.count()).toBe(0);
    await page.reload();
    await page.getByRole('combobox', { name: /^Channel/ }).selectOption('whatsapp');
    await eventually(async () => expect(await sidField.inputValue()).toBe(sid));
    expect(await variablesField.inputValue()).toBe('customerName reference pickupWhen');

    // A campaign message has no order: its variables are the shop's and the customer's names.
    await page.getByRole('combobox', { name: /^Kind/ }).selectOption('campaign');
    await page.locator('#template-body').fill('Hi {{customerName}}, we are closed on Monday.');
    await sidField.fill(sid);
    await variablesField.fill('customerName reference');
    await saveButton.click();
    await eventually(async () => expect(await problem.innerText()).toBe('Not a variable of this kind of message: reference'));
    expect(await variablesField.getAttribute('aria-invalid')).toBe('true');
    expect(await sidField.getAttribute('aria-invalid')).toBe('false');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect((await shop.request('GET', '/v1/templates/campaign/en?channel=whatsapp')).status).toBe(404);

    await page.getByRole('combobox', { name: /^Kind/ }).selectOption('confirmation');
    await eventually(async () => expect(await sidField.inputValue()).toBe(sid));
    await sidField.fill('');
    await variablesField.fill('');
    await saveButton.click();
    await eventually(async () => expect((await saved()).body).toMatchObject({ body: 'Hi {{customerName}}, your order {{reference}} is ready {{pickupWhen}}.', contentSid: null, contentVariables: null }));
    await context.close();
  });

  it('saves the shop’s own number at Vonage, explains beside the fields a number without a main sender and another shop’s number, and takes it back', async () => {
    const merchant = await stack.client.createMerchant({ name: 'Fromagerie Soleil', timezone: 'Europe/Paris' });
    const neighbour = await stack.client.createMerchant({ name: 'Épicerie Voisine', timezone: 'Europe/Paris' });
    expect((await neighbour.request('PATCH', '/v1/merchant', { smsFrom: '+33757000091' })).status).toBe(200);
    const { page, context } = await openSignedIn(browser, stack.apiUrl, merchant.apiKey!, { path: '/settings' });
    const form = page.getByRole('form', { name: 'Shop' });
    const vonage = page.getByLabel('SMS sender at Vonage (your number there, E.164)');
    const mainSender = page.getByLabel('SMS sender (your number, E.164)');
    const problem = page.locator('#sms-sender-error');
    const save = () => form.getByRole('button', { name: 'Save settings' }).click();
    const senders = async () => {
      const { smsFrom, smsFromByProvider } = (await merchant.request('GET', '/v1/merchant')).body;
      return { smsFrom, smsFromByProvider };
    };
    /** The explanation sits under the sender fields, above the email sender's name, is read with the fields it is about, and is not repeated under the form. */
    const explainedBeside = async (text: string, fields: typeof vonage[]) => {
      await eventually(async () => expect(await problem.innerText()).toBe(text));
      const [under, errorBox, after] = await Promise.all([vonage.boundingBox(), problem.boundingBox(), page.locator('#sender-name').boundingBox()]);
      expect(errorBox!.y).toBeGreaterThan(under!.y);
      expect(errorBox!.y).toBeLessThan(after!.y);
      for (const field of fields) {
        expect(await field.getAttribute('aria-invalid')).toBe('true');
        expect((await field.getAttribute('aria-describedby'))!.split(' ')).toContain('sms-sender-error');
      }
      expect(await form.getByRole('alert').count()).toBe(1);
      expect(await form.getByRole('status').innerText()).toBe('');
    };

    await vonage.fill('+33757000092');
    await save();
    await explainedBeside('A number at a provider needs an SMS sender above: give one first.', [mainSender, vonage]);
    expect(await senders()).toEqual({ smsFrom: null, smsFromByProvider: {} });

    await mainSender.fill('+33757000093');
    await vonage.fill('+33757000091');
    await save();
    await explainedBeside('Another shop sends from one of these numbers.', [vonage]);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(await senders()).toEqual({ smsFrom: null, smsFromByProvider: {} });

    await vonage.fill('+33757000092');
    await save();
    await eventually(async () => expect(await form.getByRole('status').innerText()).toBe('Saved'));
    expect(await problem.count()).toBe(0);
    expect(await vonage.getAttribute('aria-invalid')).toBe('false');
    expect(await senders()).toEqual({ smsFrom: '+33757000093', smsFromByProvider: { vonage: '+33757000092' } });
    await page.reload();
    expect(await vonage.inputValue()).toBe('+33757000092');
    expect(await mainSender.inputValue()).toBe('+33757000093');
    expect(await page.getByLabel('SMS sender at Twilio (your number there, E.164)').inputValue()).toBe('');

    await vonage.fill('');
    await save();
    await eventually(async () => expect(await form.getByRole('status').innerText()).toBe('Saved'));
    expect(await senders()).toEqual({ smsFrom: '+33757000093', smsFromByProvider: {} });
    await page.reload();
    expect(await vonage.inputValue()).toBe('');
    expect(await mainSender.inputValue()).toBe('+33757000093');
    await context.close();
  });

  it('counts a campaign’s audience before sending it, then fills its progress bar to 100 %', async () => {
    for (const [index, contact] of [{ phone: '+33611000001' }, { phone: '+33611000002', email: 'b@example.com' }, { email: 'c@example.com' }, { name: 'Nobody' }].entries()) {
      if (!('name' in contact)) await shop.request('POST', '/v1/customers', { name: `Customer ${index}`, ...contact });
    }
    const { page, context } = await openSignedIn(browser, stack.apiUrl, shop.apiKey!, { path: '/campaigns' });
    await page.locator('#campaign-name').fill('Closed on Monday');
    await page.locator('#campaign-body').fill('We are closed on Monday. See you on Tuesday!');
    const customers = (await shop.request('GET', '/v1/customers?limit=200')).body.data.length;
    await eventually(async () => expect(await page.locator('[data-audience]').getAttribute('data-audience')).toBe(String(customers)));
    expect(await page.locator('[data-audience]').innerText()).toContain(`${customers} customers: `);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Send' }).click();

    await eventually(() => expect(page.url()).toMatch(/\/console\/campaigns\/[0-9a-f-]{36}$/));
    const progress = page.locator('main progress');
    await eventually(async () => expect(await progress.getAttribute('data-percent')).toBe('100'), 30_000);
    expect(await progress.evaluate((element) => (element as unknown as { value: number }).value)).toBe(100);
    expect(await mainText(page)).toContain('100%');
    expect(await mainText(page)).toContain('Completed');
    const campaignId = page.url().split('/').pop();
    const campaign = (await shop.request('GET', `/v1/campaigns/${campaignId}`)).body;
    expect(campaign).toMatchObject({ name: 'Closed on Monday', status: 'completed', recipients: customers });
    expect(await mainText(page)).toContain(`${campaign.counts.sent + campaign.counts.delivered} sent`);
    await context.close();
  });

  it('erases a customer only after a dialog that says what goes and what stays and a ticked box; Back and Escape change nothing; the page follows the erasure to its end', async () => {
    const order = (
      await shop.request(
        'POST',
        '/v1/orders',
        makeOrder({ reference: 'E-1', customer: { name: 'Grace Hopper', phone: '+33612340099', email: 'grace@example.com', locale: 'en' }, pickupAt: new Date(Date.now() + 30 * 3600_000).toISOString() }),
      )
    ).body;
    const customerId = order.customer.id;
    const reminder = order.notifications.find((n: { kind: string }) => n.kind === 'reminder');
    expect(reminder.status).toBe('scheduled');
    const { page, context, requested } = await openSignedIn(browser, stack.apiUrl, shop.apiKey!, { path: `/customers/${customerId}` });
    const erase = page.getByRole('button', { name: 'Erase customer' });
    const dialog = page.getByRole('dialog', { name: 'Erase Grace Hopper for good?' });
    const acknowledged = dialog.getByRole('checkbox', { name: 'I understand that this cannot be undone' });
    const confirm = dialog.getByRole('button', { name: 'Erase for good' });
    const focusedInside = () => dialog.evaluate((element) => element.contains((element.ownerDocument as unknown as { activeElement: unknown }).activeElement as never));
    const intact = async () =>
      expect((await shop.request('GET', `/v1/customers/${customerId}`)).body).toMatchObject({ name: 'Grace Hopper', phone: '+33612340099', email: 'grace@example.com' });

    await erase.click();
    await dialog.waitFor();
    expect(await focusedInside()).toBe(true);
    const explained = await dialog.innerText();
    expect(explained).toContain('Their name, phone, email and the texts of their messages are erased everywhere Herald keeps them. This cannot be undone.');
    expect(explained).toContain('Their messages not yet sent are cancelled and will never be sent.');
    expect(explained).toContain('Their opt-outs stay in force');
    expect(await page.evaluate<string>('document.querySelector("dialog[open]").getAttribute("aria-describedby") && document.getElementById(document.querySelector("dialog[open]").getAttribute("aria-describedby")).innerText')).toContain('This cannot be undone');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(await confirm.isDisabled()).toBe(true);

    // Escape closes it and gives focus back to the button; Back does too, and the next opening asks afresh.
    await page.keyboard.press('Escape');
    await eventually(async () => expect(await dialog.isVisible()).toBe(false));
    expect(await erase.evaluate((element) => element === (element.ownerDocument as unknown as { activeElement: unknown }).activeElement)).toBe(true);
    await erase.click();
    await acknowledged.check();
    expect(await confirm.isEnabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Back' }).click();
    await eventually(async () => expect(await dialog.isVisible()).toBe(false));
    await intact();
    expect(await page.locator('main h1').innerText()).toBe('Customer Grace Hopper');

    await erase.click();
    expect(await acknowledged.isChecked()).toBe(false);
    expect(await confirm.isDisabled()).toBe(true);
    await acknowledged.check();
    // Every status the page shows, as it shows it.
    await page.evaluate(`
      window.erasureStatuses = [];
      new MutationObserver(() => {
        const status = document.querySelector('[data-erasure-status]')?.getAttribute('data-erasure-status');
        if (status && window.erasureStatuses.at(-1) !== status) window.erasureStatuses.push(status);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    `);
    await confirm.click();
    const erasure = page.locator('[data-erasure-status]');
    await eventually(async () => expect(await erasure.getAttribute('data-erasure-status')).toBe('completed'), 30_000);
    const shown = await page.evaluate<string[]>('window.erasureStatuses');
    expect(['requested', 'running']).toContain(shown[0]);
    expect(shown.at(-1)).toBe('completed');
    expect(requested.filter((url) => url.includes('/v1/erasures/')).length).toBeGreaterThanOrEqual(1);
    expect(await page.locator('main h1').innerText()).toBe('Erased customer');
    expect(await erasure.innerText()).toMatch(/^Erased on .+: nothing of their personal data is left\.$/);
    expect(await mainText(page)).toContain('1 pending message cancelled');
    await eventually(async () => expect(await page.locator(`[data-notification="${reminder.id}"] [data-status]`).getAttribute('data-status')).toBe('cancelled'));
    expect(await mainText(page)).not.toMatch(/Grace|33612340099|grace@example/);
    expect(await seriousAxeViolations(page)).toEqual([]);

    expect(await shop.request('GET', `/v1/customers/${customerId}`)).toMatchObject({ status: 404, body: { code: 'customer_not_found' } });
    const after = (await shop.request('GET', `/v1/orders/${order.id}`)).body;
    expect(after.customer).toMatchObject({ id: customerId, name: null, phone: null, email: null });
    expect(after.notifications.find((n: { id: string }) => n.id === reminder.id)).toMatchObject({ status: 'cancelled', statusReason: 'customer_erased', to: '', body: null });

    // Opened again later, the page says so in words rather than in an error code.
    await page.reload();
    await eventually(async () => expect(await page.locator('main [role=alert]').innerText()).toBe('There is no such customer: it may have been erased.'));
    await context.close();
  });

  it('asks the same in Arabic, right to left, with no axe violation on the open dialog', async () => {
    const customer = (await shop.request('POST', '/v1/customers', { name: 'ليلى', phone: '+33612340098' })).body;
    const { page, context } = await openSignedIn(browser, stack.apiUrl, shop.apiKey!, { locale: 'ar', path: `/customers/${customer.id}` });
    await page.getByRole('button', { name: 'محو العميل' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    // The name is a bidirectional isolate inside the sentence.
    expect(await dialog.getAttribute('aria-label')).toBe('محو \u2068ليلى\u2069 نهائيًا؟');
    expect(await dialog.evaluate((element) => (globalThis as unknown as { getComputedStyle: (e: unknown) => { direction: string } }).getComputedStyle(element).direction)).toBe('rtl');
    expect(await dialog.innerText()).toContain('لا يمكن التراجع عن ذلك');
    expect(await seriousAxeViolations(page)).toEqual([]);
    // Right to left, the way out comes first, on the right.
    const back = (await dialog.getByRole('button', { name: 'رجوع' }).boundingBox())!;
    const confirm = (await dialog.getByRole('button', { name: 'امحُ نهائيًا' }).boundingBox())!;
    expect(back.x).toBeGreaterThan(confirm.x);
    await page.keyboard.press('Escape');
    await eventually(async () => expect(await dialog.isVisible()).toBe(false));
    expect((await shop.request('GET', `/v1/customers/${customer.id}`)).body.name).toBe('ليلى');
    await context.close();
  });

  it('lists the export days with their state, downloads a day’s CSV with the session alone, and mails a day again; a read key downloads but cannot send', async () => {
    // A shop that never switched exports on is told what to do first, and can still download a day.
    const off = await openSignedIn(browser, stack.apiUrl, shop.apiKey!, { path: '/exports' });
    const emptyState = off.page.locator('main [role=status]', { hasText: 'The daily export is off.' });
    await emptyState.waitFor();
    expect(await emptyState.innerText()).toContain('Switch it on in Settings first');
    expect(await emptyState.getByRole('link').getAttribute('href')).toBe('/console/settings');
    expect(await off.page.getByRole('link', { name: /^Download orders-\d{4}-\d{2}-\d{2}\.csv$/ }).count()).toBeGreaterThanOrEqual(1);
    await off.context.close();

    const zone = 'Europe/Paris';
    const recipients = ['office@fromagerie-nord.example'];
    const exporter = await stack.client.createMerchant({ name: 'Fromagerie Nord', timezone: zone });
    expect((await exporter.request('PUT', '/v1/exports/settings', { enabled: true, recipients, localTime: '07:00' })).status).toBe(200);
    const day = DateTime.now().setZone(zone).minus({ days: 1 }).toISODate()!;
    const orders = await seedExportedDay(stack.environment, exporter.merchantId, {
      day,
      zone,
      recipients,
      orders: [{ reference: 'F-1', customer: { name: 'Louis Pasteur', phone: '+33612349001', email: 'louis@example.com' } }, { reference: 'F-2' }],
    });
    // Three weeks back, a day exported long ago: the list reaches back to it, past the first page.
    const longAgo = DateTime.now().setZone(zone).minus({ days: 20 }).toISODate()!;
    await seedExportedDay(stack.environment, exporter.merchantId, { day: longAgo, zone, recipients, orders: [] });
    const { page, context, requested } = await openSignedIn(browser, stack.apiUrl, exporter.apiKey!, { path: '/exports' });
    const row = page.locator(`[data-day="${day}"]`);
    await row.waitFor();
    expect(await page.locator('[data-day]').count()).toBe(14);
    await page.getByRole('button', { name: 'Older days' }).click();
    await eventually(async () => expect(await page.locator('[data-day]').count()).toBe(21));
    expect(await page.locator(`[data-day="${longAgo}"]`).getAttribute('data-state')).toBe('sent');
    expect(await page.getByRole('button', { name: 'Older days' }).count()).toBe(0);
    expect(await row.getAttribute('data-state')).toBe('sent');
    expect(await row.locator('[data-status]').innerText()).toBe('Sent');
    expect(await row.locator('[data-entry=daily]').innerText()).toMatch(/^Daily export · Sent — 2 orders, mailed .+ 07:00 to office@fromagerie-nord\.example$/);
    expect(await mainText(page)).toContain('Mailed every morning at 07:00 to office@fromagerie-nord.example.');

    // The link downloads the file with the session's cookie: the page stays, and no key is in any address.
    const link = row.getByRole('link', { name: `Download orders-${day}.csv` });
    expect(await link.getAttribute('href')).toBe(`/v1/exports/${day}.csv`);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(`orders-${day}.csv`);
    const [header, ...rows] = parse(await readFile(await download.path()), { bom: true }) as string[][];
    expect(header).toEqual(EXPORT_HEADER);
    expect(rows).toEqual(orders.map((order) => expectedRow(order, zone)));
    expect(page.url()).toBe(`${stack.apiUrl}/console/exports`);
    expect(download.url()).toBe(`${stack.apiUrl}/v1/exports/${day}.csv`);
    expect(requested.filter((url) => url.includes(exporter.apiKey!))).toEqual([]);

    // Send again asks first, then makes a ledger entry of its own, which a worker mails.
    await row.getByRole('button', { name: 'Send again' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('again to office@fromagerie-nord.example?');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Send again' }).click();
    await eventually(async () => {
      const listed = (await exporter.request('GET', '/v1/exports?limit=2')).body.data.find((entry: { day: string }) => entry.day === day);
      expect(listed.entries.map((entry: { kind: string; state: string }) => [entry.kind, entry.state]).sort()).toEqual([
        ['daily', 'sent'],
        ['resend', 'sent'],
      ]);
    }, 30_000);
    const mails = stack.sendgrid.calls.filter((call) => call.to.includes(recipients[0]) && call.status === 202);
    expect(mails).toHaveLength(1);
    expect(mails[0].attachments![0].filename).toBe(`orders-${day}.csv`);
    // The page follows the resend to its end without a reload.
    await eventually(async () => expect(await row.locator('[data-entry=resend]').getAttribute('data-state')).toBe('sent'), 15_000);
    expect(await row.locator('[data-entry=resend]').innerText()).toMatch(/^Sent again · Sent — 2 orders, mailed /);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();

    // A read key sees the days and downloads, and is offered no resend.
    const readKey = (await exporter.request('POST', '/v1/api-keys', { name: 'Accountant', scope: 'read' })).body.apiKey;
    const reader = await openSignedIn(browser, stack.apiUrl, readKey, { path: '/exports' });
    const readRow = reader.page.locator(`[data-day="${day}"]`);
    await readRow.waitFor();
    expect(await readRow.getAttribute('data-state')).toBe('sent');
    expect(await reader.page.getByRole('button', { name: 'Send again' }).count()).toBe(0);
    const [readDownload] = await Promise.all([reader.page.waitForEvent('download'), readRow.getByRole('link', { name: `Download orders-${day}.csv` }).click()]);
    expect((parse(await readFile(await readDownload.path()), { bom: true }) as string[][]).slice(1).map((r) => r[0])).toEqual(['F-1', 'F-2']);
    expect(await seriousAxeViolations(reader.page)).toEqual([]);
    await reader.context.close();
  });

  it('shows a read key everything and no action: no button or form that changes anything, on any page', async () => {
    const order = (await shop.request('POST', '/v1/orders', makeOrder({ reference: 'RO-1' }))).body;
    const readKey = (await shop.request('POST', '/v1/api-keys', { name: 'Counter screen', scope: 'read' })).body.apiKey;
    const campaign = (
      await shop.request('POST', '/v1/campaigns', { name: 'Later', body: 'Open on Sunday', audience: { customerIds: [order.customer.id] }, sendAt: new Date(Date.now() + 86400_000).toISOString() })
    ).body;
    const { page, context } = await openSignedIn(browser, stack.apiUrl, readKey);
    expect(await page.locator('header').first().innerText()).toContain('Read only');
    const pages = ['/', '/orders', `/orders/${order.id}`, '/problems', '/customers', `/customers/${order.customer.id}`, '/templates', '/campaigns', `/campaigns/${campaign.id}`, '/exports', '/settings'];
    for (const path of pages) {
      await goTo(page, path);
      await page.waitForLoadState('networkidle');
      // Controls that choose what to look at (data-filter) change nothing.
      const actions = await page.locator('main button:not(form[role=search] button):not([data-filter]), main form:not([role=search]), main [contenteditable]').evaluateAll((elements) => elements.map((element) => (element as unknown as { outerHTML: string }).outerHTML.slice(0, 80)));
      expect([path, actions]).toEqual([path, []]);
      const editable = await page.locator('main :is(input, textarea, select):enabled:not([type=search]):not([readonly]):not([data-filter])').count();
      expect([path, editable]).toEqual([path, 0]);
    }
    expect(await page.locator('#shop-name').inputValue()).toBe('Boulangerie Lune');
    // The page is not the only guard: the session's scope is the key's.
    const status = await page.evaluate(async (id) => (await fetch(`/v1/orders/${id}/cancel`, { method: 'POST' })).status, order.id);
    expect(status).toBe(403);
    expect((await shop.request('GET', `/v1/orders/${order.id}`)).body.status).toBe('active');
    await goTo(page, `/customers/${order.customer.id}`);
    expect(await page.getByRole('button', { name: 'Erase customer' }).count()).toBe(0);
    const erased = await page.evaluate(async (id) => (await fetch(`/v1/customers/${id}`, { method: 'DELETE' })).status, order.customer.id);
    expect(erased).toBe(403);
    expect((await shop.request('GET', `/v1/customers/${order.customer.id}`)).status).toBe(200);
    await context.close();
  });

  it('marks a test key’s session as test data, lets it act on test orders only, and keeps the settings, templates and keys out of its reach', async () => {
    const live = (await shop.request('POST', '/v1/orders', makeOrder({ reference: 'LIVE-1' }))).body;
    const testKey = (await shop.request('POST', '/v1/api-keys', { name: 'Staging', scope: 'test' })).body.apiKey;
    const tester = shop.withKey(testKey);
    const trial = (await tester.request('POST', '/v1/orders', makeOrder({ reference: 'TRIAL-1' }))).body;
    const { page, context } = await openSignedIn(browser, stack.apiUrl, testKey, { path: '/orders' });
    expect(await page.locator('header').first().innerText()).toContain('Test data: messages go to the log, never to customers');
    await page.getByRole('link', { name: 'TRIAL-1' }).waitFor();
    // The live order is another world's: not listed, and not found by its address.
    expect(await page.getByRole('link', { name: 'LIVE-1' }).count()).toBe(0);
    await goTo(page, `/orders/${live.id}`);
    await page.getByText('Order not found').first().waitFor();
    // Its own test order can be cancelled from the page.
    await goTo(page, `/orders/${trial.id}`);
    await page.getByRole('button', { name: 'Cancel order' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel the order' }).click();
    await eventually(async () => expect((await tester.request('GET', `/v1/orders/${trial.id}`)).body.status).toBe('cancelled'));
    expect((await shop.request('GET', `/v1/orders/${live.id}`)).body.status).toBe('active');
    // What only a full key may change is shown, not offered: no key list, disabled settings, read-only templates.
    await goTo(page, '/settings');
    await page.locator('#shop-name').waitFor();
    expect(await page.locator('#shop-name').isDisabled()).toBe(true);
    expect(await page.locator('#key-name').count()).toBe(0);
    // Exports hold live customers' orders: not in its navigation, and its address says so in words.
    expect(await page.locator('nav a[href="/console/exports"]').count()).toBe(0);
    await goTo(page, '/exports');
    expect(await mainText(page)).toContain('A test key cannot see exports.');
    expect(await page.locator('main [role=alert]').count()).toBe(0);
    await goTo(page, '/templates');
    await page.locator('textarea').first().waitFor();
    expect(await page.locator('textarea').first().getAttribute('readonly')).not.toBeNull();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();
  });
});
