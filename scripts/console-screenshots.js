#!/usr/bin/env node
// `npm run console:screenshots`: every console page, in English and in Arabic, as docs/console/<page>.<language>.png
// (linked from the README). Runs Herald as the tests do (its own database, local fakes for the providers), seeds a
// shop, and photographs each page in Debian's Chromium. Needs Postgres, Redis and a build (`npm run build`).
const { join } = require('node:path');
const { mkdirSync } = require('node:fs');
const { checkServices } = require('./services');

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'docs/console');

async function main() {
  await checkServices('npm run console:screenshots');
  require('ts-node').register({ transpileOnly: true, project: join(ROOT, 'tsconfig.json') });
  const { startStack } = require('../test/support/herald-stack');
  const { seedShop } = require('../test/support/console-seed');
  const { launchChromium, openConsole, openSignedIn } = require('../test/support/console-browser');
  mkdirSync(OUT, { recursive: true });
  const stack = await startStack();
  const browser = await launchChromium();
  try {
    const { shop, orderId, customerId, campaignId } = await seedShop(stack);
    const pages = [
      ['today', '/'],
      ['orders', '/orders'],
      ['order', `/orders/${orderId}`],
      ['problems', '/problems'],
      ['customers', '/customers'],
      ['customer', `/customers/${customerId}`],
      ['templates', '/templates'],
      ['campaigns', '/campaigns'],
      ['campaign', `/campaigns/${campaignId}`],
      ['exports', '/exports'],
      ['settings', '/settings'],
    ];
    for (const language of ['en', 'ar']) {
      const signedOut = await openConsole(browser, stack.apiUrl, { locale: language });
      await signedOut.page.locator('#api-key').waitFor();
      await signedOut.page.screenshot({ path: join(OUT, `sign-in.${language}.png`) });
      await signedOut.context.close();
      const { page, context } = await openSignedIn(browser, stack.apiUrl, shop.apiKey, { locale: language });
      for (const [name, path] of pages) {
        await page.goto(`${stack.apiUrl}/console${path}`);
        await page.locator('main h1').first().waitFor();
        await page.waitForLoadState('networkidle').catch(() => undefined);
        await page.waitForTimeout(400); // previews and counts that follow the first answer
        await page.screenshot({ path: join(OUT, `${name}.${language}.png`), fullPage: true });
        process.stdout.write(`docs/console/${name}.${language}.png\n`);
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
