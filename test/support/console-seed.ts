import { DateTime } from 'luxon';
import { seedExportedDay } from './export-seed';
import { HeraldClient, makeOrder } from './herald-client';
import { HeraldStack, TWILIO_FROM } from './herald-stack';

export interface SeededShop {
  shop: HeraldClient & { merchantId: string };
  readKey: string;
  orderId: string;
  customerId: string;
  campaignId: string;
  /** Yesterday (the shop's day): its export went out, with these orders. */
  exportDay: string;
  exportReferences: string[];
}

const at = (hoursFromNow: number) => new Date(Date.now() + hoursFromNow * 3600_000).toISOString();

/**
 * Nine quiet hours starting six hours from now, in the shop's zone: a fixed night (21:00–08:00) would hold the seed's
 * campaign, and with it the seed, whenever the tests run at night there; this window holds none of the seed's sends
 * (now, and the reminders 2, 3, 23 and 25 hours ahead).
 */
function quietHoursAwayFromNow(zone: string): { start: string; end: string } {
  const hour = (offset: number) => `${String((DateTime.now().setZone(zone).hour + offset) % 24).padStart(2, '0')}:00`;
  return { start: hour(6), end: hour(15) };
}

async function waitForDead(shop: HeraldClient, id: string): Promise<void> {
  await shop.waitFor(`/v1/notifications/${id}`, (body: { status: string }) => body.status === 'dead', 20_000);
}

/**
 * A shop with something on every console page: today's and tomorrow's pickups (confirmations sent, reminders
 * planned), one that failed for good (a number the provider refuses), customers (one who texted STOP), a template,
 * a finished campaign, a webhook with deliveries, the daily export on with yesterday's sent, and a read key.
 */
export async function seedShop(stack: HeraldStack, name = 'Boulangerie Lune'): Promise<SeededShop> {
  const timezone = 'Europe/Paris';
  const shop = await stack.client.createMerchant({ name, timezone });
  const send = async (method: string, path: string, body?: unknown) => {
    const answer = await shop.request(method, path, body);
    if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  await send('PATCH', '/v1/merchant', { quietHours: quietHoursAwayFromNow(timezone), reminderPolicy: { before: 'P1D' }, emailSenderName: name });
  await send('PUT', '/v1/webhook-endpoint', { url: `${stack.twilio.url}/shop-webhook` });
  const exportRecipients = ['backoffice@boulangerie-lune.example'];
  await send('PUT', '/v1/exports/settings', { enabled: true, recipients: exportRecipients, localTime: '07:00' });
  const exportDay = DateTime.now().setZone(timezone).minus({ days: 1 }).toISODate()!;
  const exported = await seedExportedDay(stack.environment, shop.merchantId, {
    day: exportDay,
    zone: timezone,
    recipients: exportRecipients,
    orders: [
      { reference: 'A-1038', customer: { name: 'Marie Curie', phone: '+33612345606', email: 'marie@example.com' } },
      { reference: 'A-1039', customer: { name: 'Emmy Noether', phone: '+33612345607', email: null } },
    ],
  });
  const readKey = (await send('POST', '/v1/api-keys', { name: 'Counter screen', scope: 'read' })).apiKey as string;
  await send('PUT', '/v1/templates/reminder/en', { body: 'Hi {{customerName}}, your order {{reference}} from {{shopName}} is ready {{pickupWhen}}.' });

  const first = await send('POST', '/v1/orders', makeOrder({ reference: 'A-1042', customer: { name: 'Ada Lovelace', phone: '+33612345601', email: 'ada@example.com', locale: 'en' }, pickupAt: at(3), reminderBefore: 'PT1H' }));
  await send('POST', '/v1/orders', makeOrder({ reference: 'A-1043', customer: { name: 'Grace Hopper', phone: '+33612345602', locale: 'en' }, pickupAt: at(5), reminderBefore: 'PT2H' }));
  await send('POST', '/v1/orders', makeOrder({ reference: 'A-1044', customer: { name: 'ليلى', phone: '+33612345603', locale: 'ar' }, pickupAt: at(26), reminderBefore: 'PT3H' }));
  stack.twilio.failFor('+33612345604', { status: 400, code: 21211, message: "The 'To' number +33612345604 is not a valid phone number." });
  const failing = await send('POST', '/v1/orders', makeOrder({ reference: 'A-1045', customer: { name: 'Alan Turing', phone: '+33612345604', locale: 'en' }, pickupAt: at(28), reminderBefore: 'PT3H' }));
  const stopped = await send('POST', '/v1/customers', { name: 'Katherine Johnson', phone: '+33612345605', locale: 'en' });
  await stack.twilio.sendInbound(`${stack.apiUrl}/webhooks/twilio/inbound`, { from: '+33612345605', to: TWILIO_FROM, body: 'STOP' });
  await waitForDead(shop, failing.notifications.find((n: { kind: string }) => n.kind === 'confirmation').id);

  const campaign = await send('POST', '/v1/campaigns', { name: 'Closed on Monday', body: 'We are closed on Monday. See you on Tuesday!', audience: { all: true } });
  await shop.waitFor(`/v1/campaigns/${campaign.id}`, (body: { status: string }) => body.status === 'completed', 30_000);
  return { shop, readKey, orderId: first.id, customerId: stopped.id, campaignId: campaign.id, exportDay, exportReferences: exported.map((order) => order.reference) };
}
