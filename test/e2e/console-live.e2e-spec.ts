import { Browser } from 'playwright-core';
import { eventually, launchChromium, openConsole, openSignedIn, signIn } from '../support/console-browser';
import { HeraldClient, makeOrder } from '../support/herald-client';
import { HeraldProcess, startApi } from '../support/herald-process';
import { HeraldStack, startStack } from '../support/herald-stack';

jest.setTimeout(90_000);

/**
 * The merchant console in Debian's Chromium against the real stack: signing in and out, Today kept live by the event
 * stream (through an API restart), and one merchant's console never showing another's data.
 */
describe('the console, live', () => {
  let stack: HeraldStack;
  let browser: Browser;
  let shop: HeraldClient & { merchantId: string };
  let other: HeraldClient & { merchantId: string };
  let restartedApi: HeraldProcess | undefined;

  beforeAll(async () => {
    // Stream tokens that expire within the API restart below: the browser's own reconnection is refused (401), so the
    // console must take a new token and resume from the last event it saw.
    [stack, browser] = await Promise.all([startStack({ env: { STREAM_TOKEN_TTL: 'PT2S' } }), launchChromium()]);
    shop = await stack.client.createMerchant({ name: 'Boulangerie Lune', timezone: 'Europe/Paris' });
    other = await stack.client.createMerchant({ name: 'Fromagerie Soleil', timezone: 'Europe/Paris' });
  });
  afterAll(async () => {
    await browser?.close();
    await restartedApi?.kill();
    await stack?.stop();
  });

  /** Signs in over HTTP as the console does; the session cookie's `name=value`, and the Set-Cookie header. */
  async function signInWith(apiKey: string): Promise<{ cookie: string; setCookie: string }> {
    const response = await fetch(`${stack.apiUrl}/v1/console/session`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` } });
    expect(response.status).toBe(201);
    const setCookie = response.headers.get('set-cookie')!;
    return { cookie: setCookie.split(';')[0], setCookie };
  }

  describe('sessions over HTTP', () => {
    let shop: HeraldClient & { merchantId: string };
    beforeAll(async () => {
      shop = await stack.client.createMerchant({ name: 'Épicerie Ouest' });
    });

    it('sets an HttpOnly, SameSite=Strict cookie that acts with the key’s scope, and refuses changes another site sends with it', async () => {
      const { cookie, setCookie } = await signInWith(shop.apiKey!);
      expect(setCookie).toMatch(/^herald_console=[A-Za-z0-9_-]{43}; Path=\/; Expires=.+; HttpOnly; SameSite=Strict$/);
      const asShop = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) => stack.client.request(method, path, body, { cookie, ...headers });
      expect((await asShop('POST', '/v1/orders', { origin: stack.apiUrl }, makeOrder())).status).toBe(201);
      expect((await asShop('POST', '/v1/orders', { origin: 'https://evil.example' }, makeOrder())).body).toMatchObject({ statusCode: 403, code: 'cross_site_request' });
      expect((await asShop('POST', '/v1/orders', { 'sec-fetch-site': 'cross-site' }, makeOrder())).body).toMatchObject({ statusCode: 403, code: 'cross_site_request' });
      expect((await asShop('GET', '/v1/orders', { origin: 'https://evil.example' })).status).toBe(200);

      const readKey = (await shop.request('POST', '/v1/api-keys', { name: 'Screen', scope: 'read' })).body.apiKey;
      const read = await signInWith(readKey);
      const asReader = (method: string, path: string, body?: unknown) => stack.client.request(method, path, body, { cookie: read.cookie, origin: stack.apiUrl });
      expect((await asReader('GET', '/v1/console/session')).body).toMatchObject({ scope: 'read', keyName: 'Screen' });
      expect((await asReader('GET', '/v1/orders')).status).toBe(200);
      expect((await asReader('POST', '/v1/events/stream-tokens')).status).toBe(201);
      expect((await asReader('POST', '/v1/orders', makeOrder())).body).toMatchObject({ statusCode: 403, code: 'insufficient_scope' });
    });

    it('ends when its key is revoked, when idle two hours, and twelve hours after sign-in', async () => {
      const key = (await shop.request('POST', '/v1/api-keys', { name: 'Tablet', scope: 'full' })).body;
      const revoked = await signInWith(key.apiKey);
      const idle = await signInWith(shop.apiKey!);
      const old = await signInWith(shop.apiKey!);
      const fresh = await signInWith(shop.apiKey!);
      const status = (cookie: string) => stack.client.request('GET', '/v1/merchant', undefined, { cookie }).then((answer) => [answer.status, answer.body?.code]);
      for (const { cookie } of [revoked, idle, old, fresh]) expect(await status(cookie)).toEqual([200, undefined]);

      expect((await shop.request('DELETE', `/v1/api-keys/${key.id}`)).status).toBe(204);
      await stack.environment.query(`UPDATE console_sessions SET last_seen_at = now() - interval '2 hours 1 minute' WHERE id_hash = encode(sha256($1::bytea), 'hex')`, [idle.cookie.split('=')[1]]);
      await stack.environment.query(`UPDATE console_sessions SET expires_at = now() - interval '1 second' WHERE id_hash = encode(sha256($1::bytea), 'hex')`, [old.cookie.split('=')[1]]);
      for (const { cookie } of [revoked, idle, old]) expect(await status(cookie)).toEqual([401, 'console_session_ended']);
      expect(await status(fresh.cookie)).toEqual([200, undefined]);
    });
    it('finds the session in one indexed statement per request, and records its use at most once a minute', async () => {
      const { cookie } = await signInWith(shop.apiKey!);
      // Last used two minutes ago: the next request records its use, and the ones after it need not.
      await stack.environment.query(`UPDATE console_sessions SET last_seen_at = now() - interval '2 minutes' WHERE id_hash = encode(sha256($1::bytea), 'hex')`, [cookie.split('=')[1]]);
      const before = await settledSessionStatistics();
      const requests = 20;
      for (let sent = 0; sent < requests; sent++) expect((await stack.client.request('GET', '/v1/orders', undefined, { cookie })).status).toBe(200);
      const after = await settledSessionStatistics();
      // Each request: one index scan of console_sessions (its primary key, joined to the key and the merchant by theirs).
      // The use is written once; a second UPDATE may run, and change nothing, if a request looked before the first ended,
      // and Herald's own upkeep (the expired-session sweep, a stream's check) may add a scan or two meanwhile. Two
      // statements a request, or a write on each, would be 40 and more.
      expect(after.seqScans - before.seqScans).toBe(0);
      expect(after.rowsUpdated - before.rowsUpdated).toBe(1);
      expect(after.indexScans - before.indexScans).toBeGreaterThanOrEqual(requests + 1);
      expect(after.indexScans - before.indexScans).toBeLessThan(requests * 1.5);
    });
  });

  /**
   * How often console_sessions was scanned and updated, once every process has reported: Postgres publishes a
   * connection's counts within ten seconds of it going idle.
   */
  async function settledSessionStatistics(): Promise<{ seqScans: number; indexScans: number; rowsUpdated: number }> {
    const read = async () =>
      (
        await stack.environment.query<{ seqScans: number; indexScans: number; rowsUpdated: number }>(
          `SELECT seq_scan::int AS "seqScans", coalesce(idx_scan, 0)::int AS "indexScans", n_tup_upd::int AS "rowsUpdated" FROM pg_stat_user_tables WHERE relname = 'console_sessions'`,
        )
      )[0];
    await new Promise((resolve) => setTimeout(resolve, 10_500));
    for (let last = await read(); ; ) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const next = await read();
      if (JSON.stringify(next) === JSON.stringify(last)) return next;
      last = next;
    }
  }

  it('exchanges the key for an HttpOnly session (never in storage or a URL) that signing out ends on the server', async () => {
    const { page, context, requested, cspViolations } = await openConsole(browser, stack.apiUrl);
    await eventually(async () => expect((await page.locator('h1').innerText()).trim()).toBe('Sign in to Herald'));
    await page.locator('#api-key').fill('hk_not-a-key');
    await page.locator('form button[type=submit]').click();
    await eventually(async () => expect((await page.getByRole('alert').innerText()).trim()).toBe('This API key is not valid.'));

    await signIn(page, shop.apiKey!);
    await eventually(async () => expect((await page.locator('main h1').innerText()).trim()).toBe('Today'));
    await page.getByRole('status').filter({ hasText: 'No pickups today or tomorrow.' }).waitFor();
    await eventually(async () => expect(await page.locator('header').first().innerText()).toContain('Boulangerie Lune'));

    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'herald_console', httpOnly: true, sameSite: 'Strict' });
    expect(cookie.value).not.toContain(shop.apiKey);
    const stored = await page.evaluate<string>('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie');
    expect(stored).not.toContain(shop.apiKey);
    expect(requested.filter((url) => url.includes(shop.apiKey!))).toEqual([]);
    expect(page.url()).not.toContain('hk_');

    // The cookie stands for the key, for whoever holds it, until sign-out ends the session on the server.
    const withCookie = (path: string) => stack.client.request('GET', path, undefined, { cookie: `herald_console=${cookie.value}` });
    expect((await withCookie('/v1/console/session')).body).toMatchObject({ merchant: { name: 'Boulangerie Lune' }, scope: 'full', keyName: 'initial' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await eventually(async () => expect((await page.locator('h1').innerText()).trim()).toBe('Sign in to Herald'));
    expect((await withCookie('/v1/merchant')).body).toMatchObject({ statusCode: 401, code: 'console_session_ended' });
    expect(await context.cookies()).toEqual([]);
    expect(cspViolations).toEqual([]);
    await context.close();
  });

  it('shows an order made through the API on Today at once, and its confirmation turning sent, without a reload', async () => {
    const { page, context } = await openSignedIn(browser, stack.apiUrl, shop.apiKey!);
    await page.evaluate(() => ((globalThis as unknown as { sameDocument: boolean }).sameDocument = true));
    const order = (await shop.request('POST', '/v1/orders', makeOrder({ reference: 'A-1042', pickupAt: new Date(Date.now() + 2 * 3600_000).toISOString() }))).body;
    const confirmation = order.notifications.find((n: { kind: string }) => n.kind === 'confirmation');
    const reminder = order.notifications.find((n: { kind: string }) => n.kind === 'reminder');

    const row = page.locator(`[data-order="${order.id}"]`);
    await eventually(async () => expect(await row.innerText()).toContain('A-1042'));
    await eventually(async () => expect(await row.locator(`[data-notification="${confirmation.id}"] [data-status]`).getAttribute('data-status')).toBe('sent'));
    await eventually(async () => expect(await row.locator(`[data-notification="${confirmation.id}"]`).innerText()).toContain('Sent'));
    await eventually(async () => expect(await row.locator(`[data-notification="${reminder.id}"] [data-status]`).getAttribute('data-status')).toBe('scheduled'));
    expect(await page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await context.close();
  });

  it('keeps Today live through an API restart (its stream token expired meanwhile): a reminder sent while the API was down shows as sent once it is back, and nothing on the page moves', async () => {
    const { page, context } = await openSignedIn(browser, stack.apiUrl, shop.apiKey!);
    await page.evaluate(() => ((globalThis as unknown as { sameDocument: boolean }).sameDocument = true));
    const order = (await shop.request('POST', '/v1/orders', makeOrder({ reference: 'R-7', pickupAt: new Date(Date.now() + 12_000).toISOString(), reminderBefore: 'PT4S' }))).body;
    const reminder = order.notifications.find((n: { kind: string }) => n.kind === 'reminder');
    const reminderBadge = page.locator(`[data-notification="${reminder.id}"] [data-status]`);
    await eventually(async () => expect(await reminderBadge.getAttribute('data-status')).toBe('scheduled'));
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    // From here on the page only changes as events arrive: nothing on it may move (cumulative layout shift stays 0).
    await page.evaluate(
      `window.layoutShift = 0; window.shifted = []; new PerformanceObserver((list) => { for (const entry of list.getEntries()) { window.layoutShift += entry.value; ` +
        `window.shifted.push(...entry.sources.map((s) => (s.node && s.node.outerHTML ? s.node.outerHTML.slice(0, 120) : String(s.node)) + JSON.stringify([s.previousRect, s.currentRect]))); } }).observe({ type: 'layout-shift' })`,
    );

    const port = Number(new URL(stack.apiUrl).port);
    expect(await stack.api.stop()).toBe(0);
    const deadline = Date.now() + 20_000;
    while ((await stack.environment.query(`SELECT 1 FROM notifications WHERE id = $1 AND status = 'sent'`, [reminder.id])).length === 0) {
      if (Date.now() > deadline) throw new Error('the reminder was not sent');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await eventually(async () => expect(await reminderBadge.getAttribute('data-status')).toBe('scheduled'));

    restartedApi = (await startApi(stack.environment.env, port)).process;
    await eventually(async () => expect(await reminderBadge.getAttribute('data-status')).toBe('sent'), 20_000);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    expect(await page.evaluate<string[]>('window.shifted')).toEqual([]);
    expect(await page.evaluate<number>('window.layoutShift')).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await context.close();
  });

  it('reads Today again when the page becomes visible, for what changed without an event', async () => {
    const order = (await shop.request('POST', '/v1/orders', makeOrder({ reference: 'V-1' }))).body;
    const { page, context } = await openSignedIn(browser, stack.apiUrl, shop.apiKey!);
    await eventually(async () => expect(await page.locator(`[data-order="${order.id}"]`).innerText()).toContain('V-1'));
    // A change no event announces (an operator's fix in the database, say) shows once the merchant comes back to the tab.
    await stack.environment.query(`UPDATE customers SET name = 'Ada Byron' WHERE id = $1`, [order.customer.id]);
    await page.evaluate(`document.dispatchEvent(new Event('visibilitychange'))`);
    await eventually(async () => expect(await page.locator(`[data-order="${order.id}"]`).innerText()).toContain('Ada Byron'));
    await context.close();
  });

  it('never shows another merchant’s orders, live or by address', async () => {
    const theirs = (await other.request('POST', '/v1/orders', makeOrder({ reference: 'THEIRS-1' }))).body;
    const ours = (await shop.request('POST', '/v1/orders', makeOrder({ reference: 'OURS-1' }))).body;
    const { page, context } = await openSignedIn(browser, stack.apiUrl, shop.apiKey!);
    await page.locator(`[data-order="${ours.id}"]`).waitFor();
    const later = (await other.request('POST', '/v1/orders', makeOrder({ reference: 'THEIRS-2' }))).body;
    await shop.request('POST', '/v1/orders', makeOrder({ reference: 'OURS-2' }));
    await eventually(async () => expect(await page.locator('main').innerText()).toContain('OURS-2'));
    expect(await page.locator('main').innerText()).not.toContain('THEIRS');

    await page.goto(`${stack.apiUrl}/console/orders/${later.id}`);
    await eventually(async () => expect((await page.locator('main h1').innerText()).trim()).toBe('Order not found'));
    await page.goto(`${stack.apiUrl}/console/orders?q=THEIRS`);
    await eventually(async () => expect(await page.locator('main').innerText()).toContain('No order matches “THEIRS”.'));
    expect(await page.content()).not.toContain(theirs.id);
    await context.close();
  });
});
