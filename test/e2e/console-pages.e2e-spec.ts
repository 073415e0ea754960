import { readFileSync } from 'node:fs';
import { Browser } from 'playwright-core';
import { eventually, goTo, launchChromium, openConsole, openSignedIn, seriousAxeViolations } from '../support/console-browser';
import { seedShop, SeededShop } from '../support/console-seed';
import { HeraldStack, startStack } from '../support/herald-stack';
import { ROOT } from '../support/test-environment';

jest.setTimeout(120_000);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { consoleApiTypes, TYPES_FILE } = require(`${ROOT}/scripts/console-api-types`) as { consoleApiTypes: () => Promise<string>; TYPES_FILE: string };

/** The most the first load may transfer, compressed: its scripts and styles together. */
const FIRST_LOAD_BUDGET = 250 * 1024;

/** Every page of the console, on a shop with something to show on each. */
describe('every console page', () => {
  let stack: HeraldStack;
  let browser: Browser;
  let seeded: SeededShop;
  let pages: string[];

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchChromium()]);
    seeded = await seedShop(stack);
    pages = ['/', '/orders', `/orders/${seeded.orderId}`, '/problems', '/customers', `/customers/${seeded.customerId}`, '/templates', '/campaigns', `/campaigns/${seeded.campaignId}`, '/settings'];
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('has no serious or critical axe-core violation, in English and in Arabic, signed in or not, and breaks no Content-Security-Policy rule', async () => {
    const found: string[] = [];
    for (const locale of ['en-GB', 'ar']) {
      const signedOut = await openConsole(browser, stack.apiUrl, { locale });
      await signedOut.page.locator('#api-key').waitFor();
      found.push(...(await seriousAxeViolations(signedOut.page)).map((v) => `${locale} sign-in: ${v.id} ${v.nodes.join(', ')}`));
      await signedOut.context.close();
      const { page, context, cspViolations } = await openSignedIn(browser, stack.apiUrl, seeded.shop.apiKey!, { locale });
      for (const path of pages) {
        await goTo(page, path);
        await page.waitForLoadState('networkidle');
        found.push(...(await seriousAxeViolations(page)).map((v) => `${locale} ${path}: ${v.id} (${v.help}) ${v.nodes.join(', ')}`));
      }
      expect(cspViolations).toEqual([]);
      await context.close();
    }
    expect(found).toEqual([]);
  });

  it('runs right to left in Arabic: the document’s direction, the navigation on the right, texts from the Arabic catalogue', async () => {
    const { page, context } = await openSignedIn(browser, stack.apiUrl, seeded.shop.apiKey!, { locale: 'ar' });
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await page.locator('html').getAttribute('lang')).toBe('ar');
    expect((await page.locator('main h1').innerText()).trim()).toBe('اليوم');
    const nav = (await page.locator('nav').boundingBox())!;
    const main = (await page.locator('main').boundingBox())!;
    expect(nav.x).toBeGreaterThan(main.x);
    // The day's counts load after the page: wait for them.
    await eventually(async () => expect(await page.locator('main').innerText()).toContain('أُرسلت'));

    // The reader can switch, and the page turns left to right at once.
    await page.locator('header select').selectOption('en');
    await eventually(async () => expect(await page.locator('html').getAttribute('dir')).toBe('ltr'));
    expect((await page.locator('main h1').innerText()).trim()).toBe('Today');
    await context.close();
  });

  it('is readable 360 pixels wide: no page scrolls sideways', async () => {
    const { page, context } = await openSignedIn(browser, stack.apiUrl, seeded.shop.apiKey!, { width: 360 });
    const wide: string[] = [];
    for (const path of pages) {
      await goTo(page, path);
      await page.waitForLoadState('networkidle');
      const width = await page.evaluate<number>('document.documentElement.scrollWidth');
      if (width > 360) wide.push(`${path}: ${width}px`);
    }
    expect(wide).toEqual([]);
    await context.close();
  });

  it('is reached by keyboard: the title focused on arrival, the sections before it, each opened with Enter, and a skip link to the content', async () => {
    const { page, context } = await openSignedIn(browser, stack.apiUrl, seeded.shop.apiKey!);
    const focused = () => page.evaluate<string>('document.activeElement.tagName + " " + document.activeElement.textContent');
    const backTo = async (text: string) => {
      for (let presses = 0; presses < 15 && !(await focused()).endsWith(` ${text}`); presses++) await page.keyboard.press('Shift+Tab');
      expect(await focused()).toMatch(new RegExp(` ${text}$`));
    };
    // A page opens with its title focused, where a keyboard or a screen reader starts reading.
    await eventually(async () => expect(await focused()).toBe('H1 Today'));
    await backTo('Orders');
    await page.keyboard.press('Enter');
    await eventually(async () => expect(await focused()).toBe('H1 Orders'));
    expect(page.url()).toBe(`${stack.apiUrl}/console/orders`);
    await backTo('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('main');
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.closest("main") !== null')).toBe(true);
    await context.close();
  });

  it(`transfers at most ${FIRST_LOAD_BUDGET / 1024} KB of compressed scripts and styles on the first load, served under a strict Content-Security-Policy`, async () => {
    const { page, context } = await openConsole(browser, stack.apiUrl);
    await page.locator('#api-key').waitFor();
    await page.waitForLoadState('networkidle');
    const transferred = await page.evaluate<{ name: string; size: number }[]>(
      `performance.getEntriesByType('resource').filter((e) => /\\.(js|css)$/.test(e.name)).map((e) => ({ name: e.name, size: e.encodedBodySize }))`,
    );
    expect(transferred.length).toBeGreaterThanOrEqual(2);
    expect(transferred.reduce((sum, entry) => sum + entry.size, 0)).toBeLessThanOrEqual(FIRST_LOAD_BUDGET);
    await context.close();

    const script = transferred.find((entry) => entry.name.endsWith('.js'))!.name;
    const asset = await fetch(script, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(asset.headers.get('content-encoding')).toBe('br');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const document = await fetch(`${stack.apiUrl}/console/orders/anything`);
    expect(document.status).toBe(200);
    expect(document.headers.get('content-type')).toContain('text/html');
    const policy = document.headers.get('content-security-policy')!;
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toMatch(/https?:/);
    expect(await document.text()).not.toMatch(/<script>|<style>|style="/);
  });

  it('holds API types generated from Herald’s own OpenAPI document, as it is now (npm run console:api-types)', async () => {
    expect(readFileSync(TYPES_FILE, 'utf8') === (await consoleApiTypes())).toBe(true);
  });
});
