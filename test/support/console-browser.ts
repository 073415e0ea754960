import { readFileSync } from 'node:fs';
import { Browser, BrowserContext, Page } from 'playwright-core';

export { launchChromium } from './chromium';

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Content-Security-Policy violations the page reported. */
  cspViolations: string[];
  /** Every URL the page asked for. */
  requested: string[];
}

/** A fresh browser context (its own cookies and storage) on the console, in `locale`, `width` pixels wide. */
export async function openConsole(browser: Browser, apiUrl: string, options: { locale?: string; width?: number; path?: string } = {}): Promise<ConsolePage> {
  const context = await browser.newContext({ locale: options.locale ?? 'en-GB', viewport: { width: options.width ?? 1280, height: 900 } });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  const requested: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('request', (request) => requested.push(request.url()));
  await page.goto(`${apiUrl}/console${options.path ?? '/'}`);
  return { context, page, cspViolations, requested };
}

/** Signs in on the sign-in page with `apiKey` and waits for the Today page. */
export async function signIn(page: Page, apiKey: string): Promise<void> {
  await page.locator('#api-key').fill(apiKey);
  await page.locator('form button[type=submit]').click();
  await page.locator('main h1').first().waitFor();
  await page.locator('nav').waitFor();
}

export async function openSignedIn(browser: Browser, apiUrl: string, apiKey: string, options: { locale?: string; width?: number; path?: string } = {}): Promise<ConsolePage> {
  const opened = await openConsole(browser, apiUrl, options);
  await signIn(opened.page, apiKey);
  if (options.path && options.path !== '/') await goTo(opened.page, options.path);
  return opened;
}

/** Follows the console's own link to `path` when the navigation has one, else loads it. */
export async function goTo(page: Page, path: string): Promise<void> {
  const link = page.locator(`nav a[href="/console${path}"]`);
  if (await link.count()) await link.click();
  else await page.goto(new URL(`/console${path}`, page.url()).toString());
  await page.locator('main h1').first().waitFor();
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/**
 * axe-core's serious and critical violations on the page as it stands. axe is evaluated through the DevTools protocol,
 * which the page's Content-Security-Policy does not restrict (the page itself may run no inline script).
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] });
    return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.map((node) => node.target.join(' ')) }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** Retries `assertion` until it passes (the page updates on its own time), or throws its last failure after `timeoutMs`. */
export async function eventually(assertion: () => Promise<void> | void, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
