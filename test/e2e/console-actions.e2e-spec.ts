import { Browser, Page } from 'playwright-core';
import { eventually, goTo, launchChromium, openSignedIn, seriousAxeViolations } from '../support/console-browser';
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

/** What a merchant does in the console, checked through the API: move, re-time and cancel orders, templates, campaigns, erase a customer; and what a read key cannot do. */
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

  it('shows a read key everything and no action: no button or form that changes anything, on any page', async () => {
    const order = (await shop.request('POST', '/v1/orders', makeOrder({ reference: 'RO-1' }))).body;
    const readKey = (await shop.request('POST', '/v1/api-keys', { name: 'Counter screen', scope: 'read' })).body.apiKey;
    const campaign = (
      await shop.request('POST', '/v1/campaigns', { name: 'Later', body: 'Open on Sunday', audience: { customerIds: [order.customer.id] }, sendAt: new Date(Date.now() + 86400_000).toISOString() })
    ).body;
    const { page, context } = await openSignedIn(browser, stack.apiUrl, readKey);
    expect(await page.locator('header').first().innerText()).toContain('Read only');
    const pages = ['/', '/orders', `/orders/${order.id}`, '/problems', '/customers', `/customers/${order.customer.id}`, '/templates', '/campaigns', `/campaigns/${campaign.id}`, '/settings'];
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
    await goTo(page, '/templates');
    await page.locator('textarea').first().waitFor();
    expect(await page.locator('textarea').first().getAttribute('readonly')).not.toBeNull();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();
  });
});
