import { seedSmsCustomers } from '../support/customer-seed';
import { HeraldClient, makeOrder, mapConcurrent } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';

jest.setTimeout(120_000);

type Merchant = HeraldClient & { merchantId: string };

/**
 * Frequency caps count in Redis across workers: four workers fan several campaigns out at once to the same customers,
 * and no customer gets more campaign messages than the merchant allows; confirmations are never capped.
 */
describe('frequency caps on campaign messages, under 4 workers', () => {
  let stack: HeraldStack;

  beforeAll(async () => {
    // The workers join one at a time: booting five processes at once on a loaded machine outlasts the boot timeout.
    stack = await startStack({ env: { CAMPAIGN_RATE_SMS: '1000' } });
    for (let more = 0; more < 3; more += 1) await stack.addWorker();
    expect(stack.workers).toHaveLength(4);
  });
  afterAll(() => stack?.stop());

  /** Sends the fake Twilio accepted per phone, among `phones`, whose body starts with `prefix`. */
  function sendsPerPhone(phones: string[], prefix: string): Map<string, number> {
    const counts = new Map(phones.map((phone) => [phone, 0]));
    for (const call of stack.twilio.sent()) {
      if (counts.has(call.to) && call.body.startsWith(prefix)) counts.set(call.to, counts.get(call.to)! + 1);
    }
    return counts;
  }

  async function runCampaigns(who: Merchant, names: string[]): Promise<any[]> {
    const created = await Promise.all(names.map((name) => who.request('POST', '/v1/campaigns', { name, body: `${name}: news from the shop`, audience: { all: true } })));
    for (const response of created) expect(response.status).toBe(202);
    return Promise.all(created.map(({ body }) => who.waitFor(`/v1/campaigns/${body.id}`, (c: any) => c.status === 'completed', 60_000)));
  }

  it('refuses caps that are not whole numbers from 1 to 1000, or a week below the day, with invalid_frequency_caps', async () => {
    const shop = await stack.client.createMerchant({ name: 'Caps' });
    expect((await shop.request('GET', '/v1/merchant')).body.frequencyCaps).toEqual({ perDay: null, perWeek: null });
    for (const frequencyCaps of [{ perDay: 0, perWeek: null }, { perDay: 1.5, perWeek: null }, { perDay: 3, perWeek: 2 }, { perDay: 2 }, { perDay: 1001, perWeek: null }, 'daily']) {
      const refused = await shop.request('PATCH', '/v1/merchant', { frequencyCaps });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('invalid_frequency_caps');
    }
    const set = await shop.request('PATCH', '/v1/merchant', { frequencyCaps: { perDay: 2, perWeek: 5 } });
    expect(set.status).toBe(200);
    expect(set.body.frequencyCaps).toEqual({ perDay: 2, perWeek: 5 });
    expect((await shop.request('PATCH', '/v1/merchant', { frequencyCaps: { perDay: null, perWeek: 3 } })).body.frequencyCaps).toEqual({ perDay: null, perWeek: 3 });
  });

  it('gives no customer more than the daily cap across 6 campaigns fanned out at once; the rest are skipped with frequency_cap', async () => {
    const shop = await stack.client.createMerchant({ name: 'Busy Shop', timezone: 'Europe/Paris' });
    // Another merchant with the same customers' numbers and no caps: its campaigns are its own business.
    const neighbour = await stack.client.createMerchant({ name: 'Neighbour', timezone: 'Europe/Paris' });
    expect((await shop.request('PATCH', '/v1/merchant', { frequencyCaps: { perDay: 2, perWeek: 4 } })).status).toBe(200);
    const phones = (await seedSmsCustomers(stack.environment, shop.merchantId, '10', 40)).map((customer) => customer.phone);
    await seedSmsCustomers(stack.environment, neighbour.merchantId, '10', 40);

    const names = ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot'];
    const [campaigns, neighbourCampaigns] = await Promise.all([runCampaigns(shop, names), runCampaigns(neighbour, ['Golf', 'Hotel', 'India'])]);

    const skipped = campaigns.reduce((sum, c) => sum + (c.skipped.frequency_cap ?? 0), 0);
    const given = campaigns.reduce((sum, c) => sum + c.recipients, 0);
    expect(given).toBe(40 * 2);
    expect(skipped).toBe(40 * (names.length - 2));
    for (const campaign of campaigns) expect(campaign.recipients + (campaign.skipped.frequency_cap ?? 0)).toBe(40);

    const fannedOutBy = campaigns.map((c) => stack.workers.findIndex((worker) => worker.output.includes(c.id)));
    process.stdout.write(`6 campaigns fanned out by workers ${fannedOutBy.join(', ')} (${new Set(fannedOutBy).size} of 4 at work)\n`);
    expect(fannedOutBy).not.toContain(-1);
    expect(new Set(fannedOutBy).size).toBeGreaterThan(1); // the caps held across processes, not within one

    // What customers got, as the provider saw it: exactly two each, never three.
    const received = [...names].reduce((all, name) => {
      for (const [phone, count] of sendsPerPhone(phones, `${name}:`)) all.set(phone, (all.get(phone) ?? 0) + count);
      return all;
    }, new Map<string, number>());
    expect(Math.max(...received.values())).toBe(2);
    expect(Math.min(...received.values())).toBe(2);

    // The neighbour's customers got all three of its campaigns: caps are per merchant.
    for (const campaign of neighbourCampaigns) expect(campaign).toMatchObject({ recipients: 40, skipped: {} });
    expect((await neighbour.request('GET', '/v1/merchant')).body.frequencyCaps).toEqual({ perDay: null, perWeek: null });

    // Confirmations to the same customers go, however many: critical messages are never capped.
    const orders = await mapConcurrent(phones.slice(0, 5).flatMap((phone) => [phone, phone, phone]), 5, (phone) =>
      shop.request('POST', '/v1/orders', makeOrder({ customer: { phone } })),
    );
    for (const order of orders) expect(order.status).toBe(201);
    await Promise.all(
      orders.map(({ body }) =>
        shop.waitFor(`/v1/notifications/${body.notifications.find((n: any) => n.kind === 'confirmation').id}`, (n: any) => ['sent', 'delivered'].includes(n.status)),
      ),
    );
  });

  it('rebuilds the counts from Postgres when Redis loses them or caps are switched on, and gives back what a cancelled campaign had taken', async () => {
    const shop = await stack.client.createMerchant({ name: 'Careful Shop', timezone: 'UTC' });
    expect((await shop.request('PATCH', '/v1/merchant', { frequencyCaps: { perDay: 1, perWeek: null } })).status).toBe(200);
    const phones = (await seedSmsCustomers(stack.environment, shop.merchantId, '20', 10)).map((customer) => customer.phone);
    const [first] = await runCampaigns(shop, ['Kilo']);
    expect(first.recipients).toBe(10);

    // Redis loses the counters (a flush, a failover without a replica): they come back from Postgres, not from zero.
    const redis = stack.environment.redis();
    try {
      const keys = await redis.keys(`{${stack.environment.env.QUEUE_PREFIX}:fcap:${shop.merchantId}}*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    const [second] = await runCampaigns(shop, ['Lima']);
    expect(second).toMatchObject({ recipients: 0, skipped: { frequency_cap: 10 } });
    expect(Math.max(...sendsPerPhone(phones, 'Lima:').values())).toBe(0);

    // Caps switched on mid-day count what went while they were off (nothing was counted then): from Postgres.
    const lateShop = await stack.client.createMerchant({ name: 'Late Shop', timezone: 'UTC' });
    await seedSmsCustomers(stack.environment, lateShop.merchantId, '40', 4);
    expect((await runCampaigns(lateShop, ['Papa']))[0].recipients).toBe(4);
    expect((await lateShop.request('PATCH', '/v1/merchant', { frequencyCaps: { perDay: 1, perWeek: null } })).status).toBe(200);
    expect((await runCampaigns(lateShop, ['Quebec']))[0]).toMatchObject({ recipients: 0, skipped: { frequency_cap: 4 } });
    // A higher cap needs no rebuild: the counts stay true whatever the caps.
    expect((await lateShop.request('PATCH', '/v1/merchant', { frequencyCaps: { perDay: 2, perWeek: null } })).status).toBe(200);
    expect((await runCampaigns(lateShop, ['Romeo']))[0]).toMatchObject({ recipients: 4, skipped: {} });

    // A campaign cancelled before it went gives its slots back: the corrected one reaches everyone.
    const tomorrowShop = await stack.client.createMerchant({ name: 'Corrected Shop', timezone: 'UTC' });
    expect((await tomorrowShop.request('PATCH', '/v1/merchant', { frequencyCaps: { perDay: 1, perWeek: null } })).status).toBe(200);
    await seedSmsCustomers(stack.environment, tomorrowShop.merchantId, '30', 10);
    const sendAt = new Date(Date.now() + 60_000).toISOString();
    const wrong = await tomorrowShop.request('POST', '/v1/campaigns', { name: 'Wrong date', body: 'Mike: wrong date', audience: { all: true }, sendAt });
    await tomorrowShop.waitFor(`/v1/campaigns/${wrong.body.id}`, (c: any) => c.status === 'scheduled');
    const blocked = await tomorrowShop.request('POST', '/v1/campaigns', { name: 'Too soon', body: 'November: too soon', audience: { all: true }, sendAt });
    expect((await tomorrowShop.waitFor(`/v1/campaigns/${blocked.body.id}`, (c: any) => c.status !== 'preparing')).skipped).toEqual({ frequency_cap: 10 });
    expect((await tomorrowShop.request('POST', `/v1/campaigns/${wrong.body.id}/cancel`)).status).toBe(200);
    const corrected = await tomorrowShop.request('POST', '/v1/campaigns', { name: 'Right date', body: 'Oscar: right date', audience: { all: true }, sendAt });
    const fannedOut = await tomorrowShop.waitFor(`/v1/campaigns/${corrected.body.id}`, (c: any) => c.status !== 'preparing');
    expect(fannedOut).toMatchObject({ recipients: 10, skipped: {} });
    await tomorrowShop.request('POST', `/v1/campaigns/${corrected.body.id}/cancel`);
  });
});
