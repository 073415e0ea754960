import { Queue } from 'bullmq';
import { DateTime } from 'luxon';
import { HeraldClient, makeOrder } from '../support/herald-client';
import { HeraldStack, startStack, TWILIO_FROM } from '../support/herald-stack';

jest.setTimeout(60_000);

const PARIS = 'Europe/Paris';

/** A Paris wall-clock time `days` days from today, as an instant. */
const parisAt = (days: number, hour: number, minute = 0) =>
  DateTime.now().setZone(PARIS).plus({ days }).set({ hour, minute, second: 0, millisecond: 0 }).toJSDate();

/** The last Sunday of October still ahead: the night Paris goes back from UTC+2 to UTC+1. */
function nextAutumnChangeInParis(): string {
  for (let year = DateTime.now().year; ; year += 1) {
    const lastOfOctober = DateTime.fromObject({ year, month: 10, day: 31 }, { zone: PARIS });
    const sunday = lastOfOctober.minus({ days: lastOfOctober.weekday % 7 });
    if (sunday > DateTime.now()) return sunday.toISODate()!;
  }
}

describe('merchant settings', () => {
  let stack: HeraldStack;
  let critical: Queue;

  beforeAll(async () => {
    // The next autumn change can be up to a year away; leave room for the day after it.
    stack = await startStack({ env: { MAX_SCHEDULE_AHEAD: 'P2Y' } });
    critical = new Queue('critical', { connection: { url: stack.environment.env.REDIS_URL }, prefix: stack.environment.env.QUEUE_PREFIX });
  });
  afterAll(async () => {
    await critical?.close();
    await stack?.stop();
  });

  /** When the reminder's delayed job is due in Redis (BullMQ: the time it was added plus its delay). */
  const jobDueAt = async (notificationId: string) => {
    const job = await critical.getJob(`notification-${notificationId}`);
    return job ? job.timestamp + job.delay : null;
  };
  const reminderOf = (order: { notifications: any[] }) => order.notifications.find((n: any) => n.kind === 'reminder');

  it('start from the admin’s values, and a PATCH changes only what it names, only for the merchant whose key it is', async () => {
    const shop = await stack.client.createMerchant({ name: 'Fromagerie', timezone: 'Europe/Paris', defaultReminderBefore: 'PT2H' });
    const other = await stack.client.createMerchant({ name: 'Other shop' });
    expect((await shop.request('GET', '/v1/merchant')).body).toMatchObject({
      id: shop.merchantId,
      name: 'Fromagerie',
      timezone: 'Europe/Paris',
      defaultLocale: 'en',
      quietHours: null,
      reminderPolicy: { before: 'PT2H' },
      smsFrom: null,
      emailSenderName: null,
    });

    const patched = await shop.request('PATCH', '/v1/merchant', {
      timezone: 'america/new_york',
      defaultLocale: 'fr',
      quietHours: { start: '21:00', end: '08:00' },
      reminderPolicy: { daysBefore: 1, at: '10:00' },
      emailSenderName: 'La Fromagerie',
      frequencyCaps: { perDay: 1, perWeek: 3 },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: 'Fromagerie',
      timezone: 'America/New_York',
      defaultLocale: 'fr',
      quietHours: { start: '21:00', end: '08:00' },
      reminderPolicy: { daysBefore: 1, at: '10:00' },
      emailSenderName: 'La Fromagerie',
      frequencyCaps: { perDay: 1, perWeek: 3 },
    });
    expect((await shop.request('PATCH', '/v1/merchant', { quietHours: null })).body).toMatchObject({ quietHours: null, timezone: 'America/New_York' });
    expect((await shop.request('GET', '/v1/merchant')).body).toMatchObject({ quietHours: null, reminderPolicy: { daysBefore: 1, at: '10:00' } });

    expect((await other.request('GET', '/v1/merchant')).body).toMatchObject({
      id: other.merchantId,
      name: 'Other shop',
      timezone: 'Europe/Paris',
      reminderPolicy: { before: 'P1D' },
      frequencyCaps: { perDay: null, perWeek: null },
    });
    expect((await stack.client.request('GET', '/v1/merchant')).status).toBe(401);
  });

  it('refuse bad settings with a code per setting, and change nothing', async () => {
    const shop = await stack.client.createMerchant({ name: 'Strict shop' });
    const refused = async (body: unknown) => {
      const response = await shop.request('PATCH', '/v1/merchant', body);
      expect(response.status).toBe(400);
      return response.body;
    };
    expect(await refused({ timezone: 'Mars/Olympus_Mons' })).toMatchObject({ code: 'invalid_timezone', details: { issues: [{ path: 'timezone' }] } });
    expect(await refused({ quietHours: { start: '25:00', end: '08:00' } })).toMatchObject({ code: 'invalid_quiet_hours', details: { issues: [{ path: 'quietHours.start' }] } });
    expect(await refused({ quietHours: { start: '21:00', end: '21:00' } })).toMatchObject({ code: 'invalid_quiet_hours', message: expect.stringContaining('start and end must differ') });
    expect(await refused({ reminderPolicy: { daysBefore: -1, at: '10:00' } })).toMatchObject({ code: 'invalid_reminder_policy', details: { issues: [{ path: 'reminderPolicy.daysBefore' }] } });
    expect(await refused({ reminderPolicy: { daysBefore: 1, at: '25:00' } })).toMatchObject({ code: 'invalid_reminder_policy', details: { issues: [{ path: 'reminderPolicy.at' }] } });
    expect(await refused({ reminderPolicy: { before: 'PT0S' } })).toMatchObject({ code: 'invalid_reminder_policy' });
    expect(await refused({ reminderPolicy: { before: 'P1D', at: '10:00' } })).toMatchObject({ code: 'invalid_reminder_policy' });
    // The message names the field and what is wrong with it, not just "reminderPolicy: Invalid input".
    expect(await refused({ reminderPolicy: { daysBefore: 1.5, at: '10:00' } })).toMatchObject({
      code: 'invalid_reminder_policy',
      message: 'reminderPolicy.daysBefore: expected an integer (whole days before the pickup)',
    });
    const mixed = await refused({ timezone: 'Nowhere', quietHours: { start: '9pm', end: '08:00' } });
    expect(mixed).toMatchObject({ code: 'validation_failed' });
    expect(mixed.details.issues.map((issue: any) => issue.code).sort()).toEqual(['invalid_quiet_hours', 'invalid_timezone']);
    expect(await refused({ smsFrom: '0612345678' })).toMatchObject({ code: 'validation_failed', details: { issues: [{ path: 'smsFrom' }] } });
    expect(await refused({ colour: 'blue' })).toMatchObject({ code: 'validation_failed' });
    expect(await refused({})).toMatchObject({ code: 'validation_failed' });
    expect((await shop.request('GET', '/v1/merchant')).body).toMatchObject({ timezone: 'Europe/Paris', quietHours: null, reminderPolicy: { before: 'P1D' }, smsFrom: null });
  });

  it('"1 day before at 10:00": a Paris pickup on the day after the autumn change is reminded at 10:00 Paris time, in Postgres and in Redis', async () => {
    const shop = await stack.client.createMerchant({ name: 'Boulangerie Lune', timezone: 'Europe/Paris' });
    await shop.request('PATCH', '/v1/merchant', { reminderPolicy: { daysBefore: 1, at: '10:00' } });
    const changeDay = nextAutumnChangeInParis();
    const dayAfter = DateTime.fromISO(changeDay).plus({ days: 1 }).toISODate();
    // 16:00 in Paris, winter time (UTC+1) since the change.
    const created = await shop.request('POST', '/v1/orders', makeOrder({ pickupAt: `${dayAfter}T16:00:00+01:00`, reminderBefore: undefined }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ reminderPolicy: { daysBefore: 1, at: '10:00' }, reminderBefore: null });
    const reminder = reminderOf(created.body);
    // 10:00 on the change day, after the 03:00 change: UTC+1.
    const tenInParis = new Date(`${changeDay}T09:00:00Z`);
    expect(reminder).toMatchObject({ status: 'scheduled', scheduledFor: tenInParis.toISOString() });
    expect(Math.abs((await jobDueAt(reminder.id))! - tenInParis.getTime())).toBeLessThan(1000);

    // The order's own reminderBefore still wins.
    const own = await shop.request('POST', '/v1/orders', makeOrder({ pickupAt: `${dayAfter}T16:00:00+01:00`, reminderBefore: 'PT3H' }));
    expect(reminderOf(own.body).scheduledFor).toBe(new Date(`${dayAfter}T12:00:00Z`).toISOString());

    // A new policy moves no reminder already planned; new orders follow it; a moved pickup keeps the order's policy.
    await shop.request('PATCH', '/v1/merchant', { reminderPolicy: { before: 'PT1H' } });
    expect(reminderOf((await shop.request('GET', `/v1/orders/${created.body.id}`)).body).scheduledFor).toBe(tenInParis.toISOString());
    expect(Math.abs((await jobDueAt(reminder.id))! - tenInParis.getTime())).toBeLessThan(1000);
    const later = await shop.request('POST', '/v1/orders', makeOrder({ pickupAt: `${dayAfter}T16:00:00+01:00`, reminderBefore: undefined }));
    expect(later.body.reminderPolicy).toEqual({ before: 'PT1H' });
    expect(reminderOf(later.body).scheduledFor).toBe(new Date(`${dayAfter}T14:00:00Z`).toISOString());
    const moved = await shop.request('PATCH', `/v1/orders/${created.body.id}`, { pickupAt: `${changeDay}T16:00:00+01:00` });
    // Now the day before is the Saturday, still summer time: 10:00 is 08:00Z.
    const saturdayAtTen = DateTime.fromISO(changeDay).minus({ days: 1 }).toISODate();
    expect(reminderOf(moved.body)).toMatchObject({ id: reminder.id, scheduledFor: new Date(`${saturdayAtTen}T08:00:00Z`).toISOString() });
  });

  it('a reminder due in a few seconds by the merchant’s policy fires on time', async () => {
    const shop = await stack.client.createMerchant({ name: 'Quick shop' });
    await shop.request('PATCH', '/v1/merchant', { reminderPolicy: { before: 'PT4S' } });
    const phone = '+33611110001';
    const created = await shop.request('POST', '/v1/orders', makeOrder({ customer: { phone }, pickupAt: new Date(Date.now() + 7000).toISOString(), reminderBefore: undefined }));
    const reminder = reminderOf(created.body);
    const due = new Date(reminder.scheduledFor).getTime();
    expect(due).toBe(new Date(created.body.pickupAt).getTime() - 4000);
    await shop.waitFor(`/v1/notifications/${reminder.id}`, (n: any) => n.status === 'sent', 20_000);
    const [, reminderCall] = stack.twilio.sent().filter((call) => call.to === phone);
    expect(reminderCall.at).toBeGreaterThanOrEqual(due);
    expect(reminderCall.at - due).toBeLessThan(1000);
  });

  describe('quiet hours 21:00–08:00 in Paris', () => {
    let shop: HeraldClient;
    beforeAll(async () => {
      shop = await stack.client.createMerchant({ name: 'Quiet shop', timezone: 'Europe/Paris' });
      await shop.request('PATCH', '/v1/merchant', { quietHours: { start: '21:00', end: '08:00' } });
    });

    it('move a 22:30 reminder to 08:00, and say so in its history', async () => {
      const pickupAt = parisAt(2, 10, 30);
      const created = await shop.request('POST', '/v1/orders', makeOrder({ pickupAt: pickupAt.toISOString(), reminderBefore: 'PT12H' }));
      const reminder = reminderOf(created.body);
      const eight = parisAt(2, 8);
      expect(reminder).toMatchObject({ status: 'scheduled', scheduledFor: eight.toISOString() });
      expect(reminder.events[0].detail.quietHours).toEqual({
        due: parisAt(1, 22, 30).toISOString(),
        window: { start: parisAt(1, 21).toISOString(), end: eight.toISOString() },
      });
      expect(Math.abs((await jobDueAt(reminder.id))! - eight.getTime())).toBeLessThan(1000);
    });

    it('remind a 07:00 pickup before 21:00 the evening before, rather than after the pickup', async () => {
      const created = await shop.request('POST', '/v1/orders', makeOrder({ pickupAt: parisAt(2, 7).toISOString(), reminderBefore: 'PT2H' }));
      const reminder = reminderOf(created.body);
      expect(reminder).toMatchObject({ status: 'scheduled', scheduledFor: parisAt(1, 20, 59).toISOString() });
      expect(Math.abs((await jobDueAt(reminder.id))! - parisAt(1, 20, 59).getTime())).toBeLessThan(1000);

      // Moving the pickup to 11:00 moves the same reminder to 09:00, now outside quiet hours.
      const moved = await shop.request('PATCH', `/v1/orders/${created.body.id}`, { pickupAt: parisAt(2, 11).toISOString() });
      expect(reminderOf(moved.body)).toMatchObject({ id: reminder.id, scheduledFor: parisAt(2, 9).toISOString() });
    });
  });

  it('while quiet hours run: confirmations and critical messages go at once, a reminder with no moment left is skipped, bulk waits', async () => {
    const shop = await stack.client.createMerchant({ name: 'Night shop', timezone: 'Europe/Paris' });
    const now = DateTime.now().setZone(PARIS).startOf('minute');
    const end = now.plus({ minutes: 120 });
    await shop.request('PATCH', '/v1/merchant', { quietHours: { start: now.minus({ minutes: 60 }).toFormat('HH:mm'), end: end.toFormat('HH:mm') } });
    const phone = '+33611110002';

    const created = await shop.request('POST', '/v1/orders', makeOrder({ customer: { phone }, pickupAt: now.plus({ minutes: 30 }).toISO(), reminderBefore: 'PT10M' }));
    const acceptedAt = Date.now();
    const [confirmation, reminder] = created.body.notifications;
    expect(reminder).toMatchObject({ status: 'skipped', statusReason: 'quiet_hours' });
    expect(confirmation.status).toBe('queued');
    await shop.waitFor(`/v1/notifications/${confirmation.id}`, (n: any) => n.status === 'sent');
    const [sent] = stack.twilio.sent().filter((call) => call.to === phone);
    expect(sent.at - acceptedAt).toBeLessThan(1000);

    const critical = await shop.request('POST', '/v1/notifications', { channel: 'sms', to: { phone }, body: 'Your table is ready.' });
    expect(critical.body).toMatchObject({ status: 'queued', priority: 'critical' });
    const bulk = await shop.request('POST', '/v1/notifications', { channel: 'sms', to: { phone }, body: 'New bread on Monday.', priority: 'bulk' });
    expect(bulk.body).toMatchObject({ status: 'scheduled', priority: 'bulk', scheduledFor: end.toJSDate().toISOString() });
    expect(bulk.body.events[0].detail.quietHours.window.end).toBe(end.toJSDate().toISOString());
    await shop.waitFor(`/v1/notifications/${critical.body.id}`, (n: any) => n.status === 'sent');
  });

  describe('senders', () => {
    const shopNumber = '+15005550010';

    it('send a merchant’s SMS from its own number, keep its opt-outs apart, and name it on its emails', async () => {
      const shop = await stack.client.createMerchant({ name: 'Épicerie Soleil' });
      const platform = await stack.client.createMerchant({ name: 'Platform-number shop' });
      expect((await shop.request('PATCH', '/v1/merchant', { smsFrom: shopNumber, emailSenderName: 'Épicerie Soleil' })).body.smsFrom).toBe(shopNumber);
      expect(await platform.request('PATCH', '/v1/merchant', { smsFrom: shopNumber })).toMatchObject({ status: 409, body: { code: 'sms_sender_taken' } });

      const phone = '+33611110003';
      const order = (client: HeraldClient, customer: Record<string, string>, channels = ['sms']) =>
        client.request('POST', '/v1/orders', makeOrder({ customer, channels, pickupAt: new Date(Date.now() + 3 * 3600_000).toISOString() }));
      const first = await order(shop, { phone });
      await shop.waitFor(`/v1/notifications/${first.body.notifications[0].id}`, (n: any) => n.status === 'sent');
      expect(stack.twilio.sent().filter((call) => call.to === phone).map((call) => call.from)).toEqual([shopNumber]);

      // STOP to the shop's number stops the shop's texts, not those of a merchant on the platform's number.
      expect((await stack.twilio.sendInbound(`${stack.apiUrl}/webhooks/twilio/inbound`, { from: phone, to: shopNumber, body: 'STOP' })).status).toBe(200);
      const stopped = await order(shop, { phone });
      const skipped = await shop.waitFor(`/v1/notifications/${stopped.body.notifications[0].id}`, (n: any) => n.status === 'skipped');
      expect(skipped).toMatchObject({ statusReason: 'opted_out' });
      expect(skipped.events.at(-1).detail).toMatchObject({ reason: 'opted_out', sender: shopNumber });
      const elsewhere = await order(platform, { phone });
      await platform.waitFor(`/v1/notifications/${elsewhere.body.notifications[0].id}`, (n: any) => n.status === 'sent');
      expect(stack.twilio.sent().filter((call) => call.to === phone).map((call) => call.from)).toEqual([shopNumber, TWILIO_FROM]);

      // Twilio's 21610 on a send from the shop's number opts the customer out of that number only.
      const other = '+33611110004';
      stack.twilio.failNext(1, { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
      const refused = await order(shop, { phone: other });
      await shop.waitFor(`/v1/notifications/${refused.body.notifications[0].id}`, (n: any) => n.status === 'dead');
      expect(await stack.environment.query(`SELECT sender FROM opt_outs WHERE phone = $1`, [other])).toEqual([{ sender: shopNumber }]);
      // So does a status callback reporting 21610 for a message the shop's number sent.
      const third = '+33611110005';
      const delivered = await order(shop, { phone: third });
      await shop.waitFor(`/v1/notifications/${delivered.body.notifications[0].id}`, (n: any) => n.status === 'sent');
      const [sentFromShop] = stack.twilio.sent().filter((call) => call.to === third);
      expect((await stack.twilio.sendStatusCallback(sentFromShop, 'undelivered', { errorCode: '21610' })).status).toBe(204);
      expect(await stack.environment.query(`SELECT sender FROM opt_outs WHERE phone = $1`, [third])).toEqual([{ sender: shopNumber }]);

      const mail = await order(shop, { email: 'ada@example.com' }, ['email']);
      await shop.waitFor(`/v1/notifications/${mail.body.notifications[0].id}`, (n: any) => n.status === 'sent');
      expect(stack.sendgrid.sent().find((call) => call.to.includes('ada@example.com'))).toMatchObject({ fromName: 'Épicerie Soleil' });
    });
  });
});
