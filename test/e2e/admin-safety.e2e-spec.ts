import { resolve } from 'node:path';
import { Queue } from 'bullmq';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { HeraldClient } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';
import { ROOT } from '../support/test-environment';

jest.setTimeout(90_000);

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ADMIN = { authorization: basic(HeraldClient.admin.user, HeraldClient.admin.password) };
const VIEWER = { user: 'viewer', password: 'look-but-do-not-touch' };
const READ_ONLY = { authorization: basic(VIEWER.user, VIEWER.password) };
const SERVER_PATH = resolve(ROOT);

describe('the admin surface', () => {
  let stack: HeraldStack;
  let shop: HeraldClient;
  let letter: { id: string; notificationId: string };

  const deadLetters = async () => {
    const answer = await stack.client.request('GET', '/admin/queues/api/queues?activeQueue=dead-letter&status=failed', undefined, ADMIN);
    return answer.body.queues.find((q: any) => q.name === 'dead-letter').jobs as any[];
  };
  const notificationStatus = async () => (await shop.request('GET', `/v1/notifications/${letter.notificationId}`)).body.status;

  beforeAll(async () => {
    stack = await startStack({ env: { ADMIN_READONLY_USER: VIEWER.user, ADMIN_READONLY_PASSWORD: VIEWER.password } });
    shop = await stack.client.createMerchant({ name: 'Épicerie Nord' });
    // A dead letter to act on: Twilio refuses the number for good, quoting it as Twilio does.
    stack.twilio.failAlways({ status: 400, code: 21211, message: "The 'To' number +33611112222 is not a valid phone number." });
    const created = await shop.request('POST', '/v1/notifications', { channel: 'sms', to: { phone: '+33611112222' }, body: 'Your order is ready' });
    await shop.waitFor(`/v1/notifications/${created.body.id}`, (n: any) => n.status === 'dead');
    stack.twilio.recover();
    for (;;) {
      const job = (await deadLetters()).find((j) => j.data.notificationId === created.body.id);
      if (job) {
        letter = { id: job.id, notificationId: created.body.id };
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(() => stack?.stop());

  describe('over HTTP', () => {
    it('takes only JSON bodies on merchant and admin routes (415), but a body-less POST and the provider webhooks keep working', async () => {
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const merchant = await stack.client.request('POST', '/admin/merchants', 'name=Intruder', { ...ADMIN, ...form });
      expect(merchant).toMatchObject({ status: 415, body: { statusCode: 415, code: 'unsupported_media_type' } });
      const text = await shop.request('POST', '/v1/orders', '{"reference":"A-1"}', { 'content-type': 'text/plain' });
      expect(text).toMatchObject({ status: 415, body: { code: 'unsupported_media_type' } });
      const order = await shop.request('POST', '/v1/orders', {
        reference: 'NO-BODY-1',
        customer: { phone: '+33612345678' },
        pickupAt: new Date(Date.now() + 3 * 3600_000).toISOString(),
      });
      const cancelled = await fetch(`${stack.apiUrl}/v1/orders/${order.body.id}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${shop.apiKey}` } });
      expect(cancelled.status).toBe(200);
      // Twilio posts forms: the answer is about the (missing) signature, not the media type.
      const webhook = await stack.client.request('POST', '/webhooks/twilio/inbound', 'From=%2B33611112222&Body=STOP', form);
      expect(webhook).toMatchObject({ status: 403, body: { code: 'invalid_signature' } });
      expect(await stack.environment.query(`SELECT 1 FROM merchants WHERE name = 'Intruder'`)).toEqual([]);
    });

    it('refuses admin changes a browser sends from another site, and keeps them working for curl and Herald itself', async () => {
      const evil = await stack.client.request('POST', '/admin/merchants', { name: 'Intruder' }, { ...ADMIN, origin: 'https://evil.example' });
      expect(evil).toMatchObject({ status: 403, body: { code: 'cross_site_request' } });
      const fetchMetadata = await stack.client.request('POST', '/admin/dead-letters/redrive', {}, { ...ADMIN, 'sec-fetch-site': 'cross-site' });
      expect(fetchMetadata).toMatchObject({ status: 403, body: { code: 'cross_site_request' } });
      const boardPut = await stack.client.request('PUT', `/admin/queues/api/queues/dead-letter/${encodeURIComponent(letter.id)}/retry`, undefined, {
        ...ADMIN,
        origin: 'https://evil.example',
      });
      expect(boardPut).toMatchObject({ status: 403, body: { code: 'cross_site_request' } });
      const cleanAll = await stack.client.request('PUT', '/admin/queues/api/queues/dead-letter/clean/failed', undefined, { ...ADMIN, 'sec-fetch-site': 'same-site' });
      expect(cleanAll.status).toBe(403);
      expect(await stack.environment.query(`SELECT 1 FROM merchants WHERE name = 'Intruder'`)).toEqual([]);
      expect((await deadLetters()).map((j) => j.id)).toContain(letter.id);
      expect(await notificationStatus()).toBe('dead');

      const sameOrigin = await stack.client.request('POST', '/admin/merchants', { name: 'Fromagerie Est' }, { ...ADMIN, origin: stack.apiUrl, 'sec-fetch-site': 'same-origin' });
      expect(sameOrigin.status).toBe(201);
      const scripted = await stack.client.request('POST', '/admin/merchants', { name: 'Boucherie Ouest' }, ADMIN);
      expect(scripted.status).toBe(201);
    });

    it('lets the read-only operator see Bull Board and change nothing, neither there nor in the admin API', async () => {
      const queues = await stack.client.request('GET', '/admin/queues/api/queues?activeQueue=dead-letter&status=failed', undefined, READ_ONLY);
      expect(queues.status).toBe(200);
      expect(queues.body.queues.find((q: any) => q.name === 'dead-letter').jobs.map((j: any) => j.id)).toContain(letter.id);
      expect(queues.body.queues.every((q: any) => q.readOnlyMode === true)).toBe(true);
      const job = `/admin/queues/api/queues/dead-letter/${encodeURIComponent(letter.id)}`;
      for (const [method, path] of [
        ['PUT', `${job}/retry`],
        ['PUT', `${job}/clean`],
        ['PUT', `${job}/promote`],
        ['PUT', '/admin/queues/api/queues/dead-letter/retry/failed'],
        ['PUT', '/admin/queues/api/queues/dead-letter/clean/failed'],
        ['PUT', '/admin/queues/api/queues/critical/pause'],
        ['POST', '/admin/merchants'],
        ['POST', '/admin/dead-letters/redrive'],
      ]) {
        const answer = await stack.client.request(method, path, method === 'POST' ? { name: 'Viewer shop' } : undefined, READ_ONLY);
        expect([method, path, answer.status, answer.body.code]).toEqual([method, path, 403, 'admin_read_only']);
      }
      expect((await deadLetters()).map((j) => j.id)).toContain(letter.id);
      expect(await notificationStatus()).toBe('dead');
      expect(await stack.environment.query(`SELECT 1 FROM merchants WHERE name = 'Viewer shop'`)).toEqual([]);
    });

    it('shows a failed job with its message and code, and without the stack trace that names server paths', async () => {
      const redis = stack.environment.redis();
      const stored = await redis.hget(`${stack.environment.env.QUEUE_PREFIX}:dead-letter:${letter.id}`, 'stacktrace');
      redis.disconnect();
      expect(stored).toContain(SERVER_PATH); // BullMQ keeps the stack; the board must not show it
      const failed: any[] = [];
      for (const queue of ['dead-letter', 'critical']) {
        const answer = await stack.client.request('GET', `/admin/queues/api/queues?activeQueue=${queue}&status=failed`, undefined, ADMIN);
        expect(JSON.stringify(answer.body)).not.toContain(SERVER_PATH);
        failed.push(...answer.body.queues.find((q: any) => q.name === queue).jobs);
      }
      expect(failed.find((j) => j.id === letter.id).failedReason).toMatch(/^parked: 21211 The 'To' number \+33\*{7}22 is not a valid phone number/);
      expect(failed.map((j) => j.stacktrace)).toEqual(failed.map(() => []));
      const single = await stack.client.request('GET', `/admin/queues/api/queues/dead-letter/${encodeURIComponent(letter.id)}`, undefined, ADMIN);
      expect(single.body.job).toMatchObject({ failedReason: expect.stringContaining('21211'), stacktrace: [] });
    });

    it("shows recipients masked wherever the board shows a provider's message, and Redis holds them masked too", async () => {
      // A send that fails once (Twilio's message quotes the number), then goes out: its job keeps the first failure.
      stack.twilio.failNext(1, { status: 500, message: 'Carrier unreachable for +33611113333, try again' });
      const retried = (await shop.request('POST', '/v1/notifications', { channel: 'sms', to: { phone: '+33611113333' }, body: 'Your order is ready' })).body.id;
      await shop.waitFor(`/v1/notifications/${retried}`, (n: any) => n.status === 'sent');
      const board = (path: string) => stack.client.request('GET', `/admin/queues/api/queues${path}`, undefined, ADMIN).then((answer) => JSON.stringify(answer.body));
      const shown = [
        await board('?activeQueue=dead-letter&status=failed'),
        await board('?activeQueue=critical&status=completed'),
        await board(`/dead-letter/${encodeURIComponent(letter.id)}`),
        await board(`/critical/notification-${retried}`),
        await board(`/critical/notification-${letter.notificationId}`),
      ].join('\n');
      expect(shown).toContain('+33*******22');
      expect(shown).toContain('Carrier unreachable for +33*******33');
      expect(shown).not.toMatch(/611112222|611113333/);

      // At the source: what BullMQ keeps (failedReason, stack traces, the dead letter's payload) never had the number.
      const redis = stack.environment.redis();
      const prefix = stack.environment.env.QUEUE_PREFIX;
      const stored = await Promise.all(
        [`dead-letter:${letter.id}`, `critical:notification-${retried}`, `critical:notification-${letter.notificationId}`].map((key) => redis.hgetall(`${prefix}:${key}`)),
      );
      redis.disconnect();
      expect(stored[1].failedReason).toBe('Carrier unreachable for +33*******33, try again');
      expect(JSON.parse(stored[0].data).error.message).toBe("The 'To' number +33*******22 is not a valid phone number.");
      expect(JSON.stringify(stored)).not.toMatch(/611112222|611113333/);
    });

    it("keeps an unexpected failure's stack in the worker's log, and out of Bull Board", async () => {
      const queue = new Queue('critical', { connection: { url: stack.environment.env.REDIS_URL }, prefix: stack.environment.env.QUEUE_PREFIX });
      const job = await queue.add('send-notification', { notificationId: 'not-a-uuid' }, { jobId: 'malformed-job', attempts: 1 });
      await queue.close();
      let shown: any;
      for (let tries = 0; !shown?.failedReason && tries < 100; tries += 1) {
        await new Promise((r) => setTimeout(r, 100));
        shown = (await stack.client.request('GET', `/admin/queues/api/queues/critical/${job.id}`, undefined, ADMIN)).body.job;
      }
      expect(shown).toMatchObject({ failedReason: expect.stringContaining('malformed payload'), stacktrace: [] });
      const logged = stack.workers[0].output
        .split('\n')
        .filter((line) => line.includes('"job failed"') && line.includes('malformed-job'))
        .map((line) => JSON.parse(line));
      expect(logged).toHaveLength(1);
      expect(logged[0].err.stack).toContain(SERVER_PATH);
    });

    it("sends helmet's headers and no X-Powered-By, on the API, Bull Board and the docs", async () => {
      for (const [path, headers] of [
        ['/v1/orders/00000000-0000-4000-8000-000000000000', { authorization: `Bearer ${shop.apiKey}` }],
        ['/admin/queues', ADMIN],
        ['/admin/queues/api/queues', ADMIN],
        ['/docs', {}],
      ] as const) {
        const answer = await fetch(`${stack.apiUrl}${path}`, { headers });
        expect([path, answer.headers.get('x-powered-by')]).toEqual([path, null]);
        expect(answer.headers.get('content-security-policy')).toContain("default-src 'self'");
        expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
        expect(answer.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      }
    });
  });

  describe('in a browser', () => {
    let browser: Browser;
    const requestedUrls: string[] = [];
    const pageProblems: string[] = [];

    const contextFor = async (credentials?: { user: string; password: string }, send: 'always' | 'unauthorized' = 'unauthorized'): Promise<BrowserContext> => {
      const context = await browser.newContext(credentials ? { httpCredentials: { username: credentials.user, password: credentials.password, send } } : {});
      context.on('request', (request) => requestedUrls.push(request.url()));
      context.on('page', (page) => {
        page.on('console', (message) => message.type() === 'error' && pageProblems.push(message.text()));
        page.on('pageerror', (error) => pageProblems.push(error.message));
      });
      return context;
    };
    const openDeadLetters = async (page: Page) => {
      await page.goto(`${stack.apiUrl}/admin/queues/queue/dead-letter?status=failed`);
      await page.getByText(`parked: 21211`).first().waitFor();
    };

    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(() => browser?.close());

    it('the read-only operator sees the dead letter without a Retry, and a retry sent from the page is refused', async () => {
      const admin = await (await contextFor(HeraldClient.admin)).newPage();
      await openDeadLetters(admin);
      // Bull Board's retry buttons: "Retry all", and the job card's icon button.
      await expect(admin.locator('button:has(svg.lucide-refresh-cw)').count()).resolves.toBe(2);
      await expect(admin.getByRole('button', { name: 'Retry all' }).count()).resolves.toBe(1);

      const viewer = await (await contextFor(VIEWER)).newPage();
      await openDeadLetters(viewer);
      await expect(viewer.getByText('Herald queues (read-only)').first().isVisible()).resolves.toBe(true);
      await expect(viewer.locator('button:has(svg.lucide-refresh-cw)').count()).resolves.toBe(0);
      await expect(viewer.getByRole('button', { name: /^(Retry all|Clean all)$/ }).count()).resolves.toBe(0);
      const status = await viewer.evaluate(
        (id) => fetch(`api/queues/dead-letter/${encodeURIComponent(id)}/retry`, { method: 'PUT' }).then((r) => r.status),
        letter.id,
      );
      expect(status).toBe(403);
      expect(await notificationStatus()).toBe('dead');
      expect((await deadLetters()).map((j) => j.id)).toContain(letter.id);
    });

    it("a failed job's page shows its error and code, the recipient masked, and no absolute server path", async () => {
      const page = await (await contextFor(HeraldClient.admin)).newPage();
      await page.goto(`${stack.apiUrl}/admin/queues/queue/dead-letter/${encodeURIComponent(letter.id)}`);
      await page.getByText('parked: 21211').first().waitFor();
      const text = await page.locator('body').innerText();
      expect(text).not.toContain(SERVER_PATH);
      expect(text).toContain('+33*******22');
      expect(text).not.toContain('611112222');
    });

    it("the admin's Retry in the page still works (same-origin, under the Content-Security-Policy)", async () => {
      const page = await (await contextFor(HeraldClient.admin)).newPage();
      await openDeadLetters(page);
      await page.locator('button:has(svg.lucide-refresh-cw)').last().click();
      const [retried] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'PUT'), page.getByRole('button', { name: 'Confirm' }).click()]);
      expect(retried.status()).toBe(204);
      await shop.waitFor(`/v1/notifications/${letter.notificationId}`, (n: any) => n.status === 'sent');
      expect(stack.twilio.sent().filter((call) => call.to === '+33611112222')).toHaveLength(1);
    });

    it('the OpenAPI UI renders under the Content-Security-Policy', async () => {
      const page = await (await contextFor()).newPage();
      await page.goto(`${stack.apiUrl}/docs`);
      await page.getByText('/v1/orders').first().waitFor();
    });

    it('a form on another site cannot post to /admin, even with the credentials in the browser', async () => {
      const context = await contextFor(HeraldClient.admin, 'always');
      await context.route('http://evil.example/', (route) =>
        route.fulfill({
          contentType: 'text/html',
          body: `<form method="post" action="${stack.apiUrl}/admin/merchants"><input name="name" value="Intruder"></form>`,
        }),
      );
      const page = await context.newPage();
      await page.goto('http://evil.example/');
      const submit = page.locator('form').evaluate((form) => (form as unknown as { submit(): void }).submit());
      const [answer] = await Promise.all([page.waitForResponse(`${stack.apiUrl}/admin/merchants`), submit]);
      expect(answer.status()).toBe(403);
      expect(await answer.json()).toMatchObject({ code: 'cross_site_request' });
      expect(await stack.environment.query(`SELECT 1 FROM merchants WHERE name = 'Intruder'`)).toEqual([]);
    });

    it('no page asked any host but Herald for anything, and none logged an error', () => {
      const foreign = requestedUrls.filter((url) => !url.startsWith(`${stack.apiUrl}/`) && url !== 'http://evil.example/');
      expect(requestedUrls.filter((url) => url.includes('/admin/queues/fonts/')).length).toBeGreaterThan(0);
      expect(foreign).toEqual([]);
      // The refused form post is the one expected error (a 403 document); nothing else failed or broke the CSP.
      expect(pageProblems.filter((problem) => !problem.includes('403'))).toEqual([]);
    });
  });
});
