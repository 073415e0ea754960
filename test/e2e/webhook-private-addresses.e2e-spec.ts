import { FakeMerchantEndpoint } from '../fakes/merchant-endpoint.fake';
import { HeraldClient } from '../support/herald-client';
import { HeraldProcess, startApi, startWorker } from '../support/herald-process';
import { TestEnvironment } from '../support/test-environment';

jest.setTimeout(90_000);

const NOT_PUBLIC = "the endpoint's address is not public: webhooks go only to addresses on the public internet";

/**
 * WEBHOOK_ALLOW_PRIVATE=false, as production runs by default: one API refusing private webhook URLs, and one worker
 * refusing to connect to them. A second API that allows them (as development does) stands for an endpoint saved before
 * the setting changed, so the worker's own check at delivery time is what is tested.
 */
describe('webhooks never reach a private address when WEBHOOK_ALLOW_PRIVATE=false', () => {
  let environment: TestEnvironment;
  let strictApi: { process: HeraldProcess; url: string };
  let lenientApi: { process: HeraldProcess; url: string };
  let worker: HeraldProcess;
  let endpoint: FakeMerchantEndpoint;

  beforeAll(async () => {
    endpoint = await FakeMerchantEndpoint.start();
    environment = await TestEnvironment.create({ WEBHOOK_ATTEMPTS: '1' });
    strictApi = await startApi({ ...environment.env, WEBHOOK_ALLOW_PRIVATE: 'false' });
    lenientApi = await startApi({ ...environment.env, WEBHOOK_ALLOW_PRIVATE: 'true' });
    worker = await startWorker({ ...environment.env, PUBLIC_URL: lenientApi.url, WEBHOOK_ALLOW_PRIVATE: 'false' });
  });
  afterAll(async () => {
    await Promise.all([strictApi, lenientApi].map((api) => api?.process.kill()));
    await worker?.kill();
    await environment?.destroy();
    await endpoint?.close();
  });

  it('refuses every spelling of a loopback, private or otherwise non-public host at PUT with 422 webhook_url_not_public', async () => {
    const merchant = await new HeraldClient(strictApi.url).createMerchant();
    const ownAdmin = `${strictApi.url.replace('127.0.0.1', 'localhost')}/admin/merchants`;
    const hostile = [
      'http://localhost/hook',
      'http://LOCALHOST./hook',
      ownAdmin,
      endpoint.url,
      'http://[::1]/hook',
      'http://0.0.0.0/hook',
      'http://0/hook',
      'http://127.1/hook',
      'http://2130706433/hook',
      'http://0x7f000001/hook',
      'http://0177.0.0.1/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://[::127.0.0.1]/hook',
      'http://[64:ff9b::10.0.0.1]/hook',
      'http://10.0.0.1/hook',
      'http://172.16.5.4/hook',
      'http://192.168.1.1:5432/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.64.0.1/hook',
      'http://[fe80::1]/hook',
      'http://[fd00::1]/hook',
      'http://224.0.0.1/hook',
      'http://255.255.255.255/hook',
      'http://192.0.2.1/hook',
    ];
    for (const url of hostile) {
      const put = await merchant.request('PUT', '/v1/webhook-endpoint', { url });
      expect({ url, status: put.status, code: put.body.code }).toEqual({ url, status: 422, code: 'webhook_url_not_public' });
      expect(put.body.message).toMatch(/non-public address/);
    }
    expect((await merchant.request('GET', '/v1/webhook-endpoint')).status).toBe(404);

    const accepted = await merchant.request('PUT', '/v1/webhook-endpoint', { url: 'https://93.184.215.14/herald-webhook' });
    expect(accepted.status).toBe(200);
  });

  it('does not connect at delivery time to an endpoint saved while private addresses were allowed, and says why in the deliveries', async () => {
    const byAddress = await new HeraldClient(lenientApi.url).createMerchant();
    const byName = await new HeraldClient(lenientApi.url).createMerchant();
    const nameUrl = endpoint.url.replace('127.0.0.1', 'localhost');
    expect((await byAddress.request('PUT', '/v1/webhook-endpoint', { url: endpoint.url, events: ['sent'] })).status).toBe(200);
    expect((await byName.request('PUT', '/v1/webhook-endpoint', { url: nameUrl, events: ['sent'] })).status).toBe(200);

    for (const [merchant, url] of [[byAddress, endpoint.url], [byName, nameUrl]] as const) {
      const sent = await merchant.request('POST', '/v1/notifications', { channel: 'sms', to: { phone: '+33672000001' }, body: 'Your order is ready' });
      expect(sent.status).toBe(201);
      const page = await merchant.waitFor('/v1/webhook-endpoint/deliveries', (body: any) => body.data[0]?.status === 'dead', 30_000);
      expect(page.data).toHaveLength(1);
      expect(page.data[0].attempts).toEqual([{ at: expect.any(String), url, durationMs: expect.any(Number), error: NOT_PUBLIC }]);
      expect(page.data[0].attempts[0].error).not.toContain(new URL(endpoint.url).port);
    }
    expect(endpoint.requests).toHaveLength(0);
    expect(worker.output).toContain('webhook attempt failed');
  });
});
