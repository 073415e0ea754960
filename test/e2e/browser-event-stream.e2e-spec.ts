import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Browser, Page } from 'playwright-core';
import { closeServer } from '../fakes/fake-kit';
import { launchChromium } from '../support/chromium';
import { HeraldClient, makeOrder } from '../support/herald-client';
import { HeraldProcess, startApi } from '../support/herald-process';
import { HeraldStack, startStack } from '../support/herald-stack';

jest.setTimeout(90_000);

/** A merchant's dashboard at its simplest: an EventSource on the stream URL it is given, collecting what arrives. */
const DASHBOARD = `<!doctype html>
<meta charset="utf-8">
<title>Orders, live</title>
<ul id="log"></ul>
<script>
  const statuses = ['scheduled', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'cancelled', 'skipped', 'dead'];
  window.received = [];
  window.opened = 0;
  const source = new EventSource(new URLSearchParams(location.search).get('stream'));
  source.onopen = () => { window.opened += 1; };
  for (const status of statuses) {
    source.addEventListener('notification.' + status, (message) => {
      const event = JSON.parse(message.data);
      window.received.push({ lastEventId: message.lastEventId, type: message.type, event });
      const item = document.createElement('li');
      item.textContent = event.kind + ' ' + event.status;
      document.getElementById('log').append(item);
    });
  }
</script>`;

interface Received {
  lastEventId: string;
  type: string;
  event: { id: string; notificationId: string; kind: string; status: string; at: string };
}

describe('a browser dashboard on the event stream', () => {
  let stack: HeraldStack;
  let restartedApi: HeraldProcess | undefined;
  let browser: Browser;
  let dashboard: { server: Server; url: string };
  let page: Page;

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchChromium();
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(DASHBOARD));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    dashboard = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
  });
  afterAll(async () => {
    await browser?.close();
    if (dashboard) await closeServer(dashboard.server);
    await restartedApi?.kill();
    await stack?.stop();
  });

  const received = (): Promise<Received[]> => page.evaluate(() => (globalThis as unknown as { received: Received[] }).received);
  const waitInPage = async (what: string, done: (events: Received[]) => boolean, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!done(await received())) {
      if (Date.now() > deadline) throw new Error(`the page did not receive ${what}: ${JSON.stringify(await received())}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const statusesOf = (events: Received[], notificationId: string) => events.filter((e) => e.event.notificationId === notificationId).map((e) => e.event.status);

  it('shows the confirmation go queued → sending → sent and the reminder fire, and resumes after an API restart missing nothing', async () => {
    const merchant: HeraldClient = await stack.client.createMerchant();
    const { body: token } = await merchant.request('POST', '/v1/events/stream-tokens');
    page = await browser.newPage();
    await page.goto(`${dashboard.url}?stream=${encodeURIComponent(`${stack.apiUrl}/v1/events/stream?token=${token.token}`)}`);
    await page.waitForFunction(() => (globalThis as unknown as { opened: number }).opened === 1);
    const start = (await merchant.request('GET', '/v1/events')).body.nextCursor;

    const order = await merchant.request('POST', '/v1/orders', makeOrder({
      customer: { name: 'Ada', phone: '+33680000001' },
      pickupAt: new Date(Date.now() + 6000).toISOString(),
      reminderBefore: 'PT3S',
    }));
    const [confirmation, reminder] = order.body.notifications;
    await waitInPage('the confirmation sent', (events) => statusesOf(events, confirmation.id).includes('sent'));
    expect(statusesOf(await received(), confirmation.id)).toEqual(['queued', 'sending', 'sent']);
    expect(statusesOf(await received(), reminder.id)).toEqual(['scheduled']);
    expect(await page.locator('#log li').allTextContents()).toContain('confirmation sent');

    // The API goes away (SIGTERM: it closes its streams and exits at once); the reminder fires meanwhile.
    const port = Number(new URL(stack.apiUrl).port);
    const stopping = Date.now();
    expect(await stack.api.stop()).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(5000);
    const deadline = Date.now() + 20_000;
    while ((await stack.environment.query(`SELECT 1 FROM notifications WHERE id = $1 AND status = 'sent'`, [reminder.id])).length === 0) {
      if (Date.now() > deadline) throw new Error('the reminder was not sent');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(statusesOf(await received(), reminder.id)).toEqual(['scheduled']);

    // Back on the same address: the browser reconnects by itself, with Last-Event-ID.
    restartedApi = (await startApi(stack.environment.env, port)).process;
    await waitInPage('the reminder sent', (events) => statusesOf(events, reminder.id).includes('sent'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const events = await received();
    expect(await page.evaluate(() => (globalThis as unknown as { opened: number }).opened)).toBe(2);
    expect(statusesOf(events, reminder.id)).toEqual(['scheduled', 'queued', 'sending', 'sent']);
    expect(events.map((e) => e.lastEventId)).toEqual(events.map((e) => e.event.id));
    expect(events.map((e) => e.type)).toEqual(events.map((e) => `notification.${e.event.status}`));
    const log = await merchant.request('GET', `/v1/events?after=${start}`);
    expect(events.map((e) => e.event.id)).toEqual(log.body.data.map((e: { id: string }) => e.id));
    expect(await page.locator('#log li').allTextContents()).toContain('reminder sent');
  });
});
