import { HeraldClient, makeOrder } from '../support/herald-client';
import { HeraldStack, startStack, TWILIO_FROM } from '../support/herald-stack';

jest.setTimeout(60_000);

describe('an order becomes a confirmation now and a reminder before pickup', () => {
  let stack: HeraldStack;
  let merchant: HeraldClient;

  beforeAll(async () => {
    stack = await startStack();
    merchant = await stack.client.createMerchant({ name: 'Boulangerie Lune', timezone: 'Europe/Paris' });
  });
  afterAll(() => stack?.stop());

  const smsTo = (phone: string) => stack.twilio.sent().filter((call) => call.to === phone);

  it('sends the confirmation within a second and the reminder on time, both through the Twilio SDK', async () => {
    const phone = '+33611111111';
    const pickupAt = new Date(Date.now() + 14_000);
    const created = await merchant.request('POST', '/v1/orders', makeOrder({
      reference: 'A-1042',
      customer: { name: 'Ada', phone, locale: 'en' },
      pickupAt: pickupAt.toISOString(),
      reminderBefore: 'PT7S',
    }));
    const acceptedAt = Date.now();
    expect(created.status).toBe(201);
    const [confirmation, reminder] = created.body.notifications;
    expect(confirmation).toMatchObject({ kind: 'confirmation', channel: 'sms', status: 'queued', to: phone });
    expect(reminder).toMatchObject({ kind: 'reminder', status: 'scheduled', scheduledFor: new Date(pickupAt.getTime() - 7000).toISOString() });

    await stack.twilio.waitForSent(1);
    const [first] = smsTo(phone);
    expect(first.at - acceptedAt).toBeLessThan(1000);
    expect(first).toMatchObject({ to: phone, from: TWILIO_FROM });
    expect(first.body).toContain('A-1042');
    expect(first.body).toContain('Boulangerie Lune');

    const order = await merchant.waitFor(`/v1/orders/${created.body.id}`, (o: any) => o.notifications.every((n: any) => n.status === 'sent'), 20_000);
    const second = smsTo(phone)[1];
    const due = new Date(reminder.scheduledFor).getTime();
    expect(second.at).toBeGreaterThanOrEqual(due);
    expect(second.at - due).toBeLessThan(1000);
    expect(second.body).toContain('your order A-1042 from Boulangerie Lune is ready today at');
    expect(smsTo(phone)).toHaveLength(2);

    for (const notification of order.notifications) {
      const sid = smsTo(phone).find((call) => call.body === notification.body)?.sid;
      expect(notification.providerMessageId).toBe(sid);
      expect(notification.provider).toBe('twilio');
      expect(notification.attempts).toBe(1);
    }
    expect(order.notifications[0].events.map((e: any) => e.status)).toEqual(['queued', 'sending', 'sent']);
    expect(order.notifications[1].events.map((e: any) => e.status)).toEqual(['scheduled', 'queued', 'sending', 'sent']);
  });

  it('moves the same reminder when pickup is rescheduled, and sends it once at the new time', async () => {
    const phone = '+33622222222';
    const created = await merchant.request('POST', '/v1/orders', makeOrder({
      customer: { phone },
      pickupAt: new Date(Date.now() + 8_000).toISOString(),
      reminderBefore: 'PT5S',
    }));
    const reminderId = created.body.notifications[1].id;
    const newPickup = new Date(Date.now() + 11_000);
    const patched = await merchant.request('PATCH', `/v1/orders/${created.body.id}`, { pickupAt: newPickup.toISOString(), reminderBefore: 'PT4S' });
    expect(patched.status).toBe(200);
    const moved = patched.body.notifications.find((n: any) => n.kind === 'reminder');
    expect(moved.id).toBe(reminderId);
    expect(moved.scheduledFor).toBe(new Date(newPickup.getTime() - 4000).toISOString());

    const reminder = await merchant.waitFor(`/v1/notifications/${reminderId}`, (n: any) => n.status === 'sent', 20_000);
    const calls = smsTo(phone);
    expect(calls).toHaveLength(2);
    expect(calls[1].at).toBeGreaterThanOrEqual(new Date(moved.scheduledFor).getTime());
    expect(reminder.events.filter((e: any) => e.status === 'sent')).toHaveLength(1);
    expect(reminder.events[1].detail.rescheduled).toBeDefined();
  });

  it('once the reminder went out: a new reminderBefore alone sends nothing, a moved pickup gets exactly one new reminder saying so', async () => {
    const phone = '+33644444444';
    const created = await merchant.request('POST', '/v1/orders', makeOrder({
      reference: 'M-7',
      customer: { name: 'Ada', phone, locale: 'en' },
      pickupAt: new Date(Date.now() + 6_000).toISOString(),
      reminderBefore: 'PT4S',
    }));
    const firstReminder = created.body.notifications.find((n: any) => n.kind === 'reminder');
    await merchant.waitFor(`/v1/notifications/${firstReminder.id}`, (n: any) => n.status === 'sent', 20_000);
    const notificationsOfOrder = () => stack.environment.query(`SELECT id FROM notifications WHERE order_id = $1`, [created.body.id]);

    const leadOnly = await merchant.request('PATCH', `/v1/orders/${created.body.id}`, { reminderBefore: 'PT3S' });
    expect(leadOnly.status).toBe(200);
    expect(leadOnly.body.reminderBefore).toBe('PT3S');
    expect(leadOnly.body.notifications.map((n: any) => n.id)).toEqual(created.body.notifications.map((n: any) => n.id));
    expect(await notificationsOfOrder()).toHaveLength(2);

    const moved = await merchant.request('PATCH', `/v1/orders/${created.body.id}`, { pickupAt: new Date(Date.now() + 8_000).toISOString() });
    expect(moved.status).toBe(200);
    const followUps = moved.body.notifications.filter((n: any) => n.kind === 'reminder' && n.id !== firstReminder.id);
    expect(followUps).toEqual([expect.objectContaining({ status: 'scheduled', previousReminderId: firstReminder.id })]);
    // Every notification of the order, the follow-up too, names the order's customer.
    expect(moved.body.notifications.map((n: any) => n.customerId)).toEqual(moved.body.notifications.map(() => created.body.customer.id));
    // Moved once more before it goes: the same new reminder moves, still exactly one.
    const newPickup = new Date(Date.now() + 9_000);
    const movedAgain = await merchant.request('PATCH', `/v1/orders/${created.body.id}`, { pickupAt: newPickup.toISOString() });
    const [followUp] = movedAgain.body.notifications.filter((n: any) => n.kind === 'reminder' && n.id !== firstReminder.id);
    expect(followUp).toMatchObject({ id: followUps[0].id, previousReminderId: firstReminder.id, scheduledFor: new Date(newPickup.getTime() - 3000).toISOString() });
    expect(await notificationsOfOrder()).toHaveLength(3);

    await merchant.waitFor(`/v1/notifications/${followUp.id}`, (n: any) => n.status === 'sent', 20_000);
    const calls = smsTo(phone);
    expect(calls).toHaveLength(3);
    expect(calls[2].at).toBeGreaterThanOrEqual(new Date(followUp.scheduledFor).getTime());
    expect(calls[2].body).toMatch(/^Hi Ada, the pickup of your order M-7 from Boulangerie Lune has moved: it is now ready today at /);
    expect((await merchant.request('GET', `/v1/notifications/${firstReminder.id}`)).body.events.filter((e: any) => e.status === 'sent')).toHaveLength(1);
  });

  it('never sends the reminder of a cancelled order', async () => {
    const phone = '+33633333333';
    const created = await merchant.request('POST', '/v1/orders', makeOrder({
      customer: { phone },
      pickupAt: new Date(Date.now() + 6_000).toISOString(),
      reminderBefore: 'PT3S',
    }));
    await stack.twilio.waitForSent(stack.twilio.sent().length); // the confirmation is on its way regardless
    const cancelled = await merchant.request('POST', `/v1/orders/${created.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const reminder = cancelled.body.notifications.find((n: any) => n.kind === 'reminder');
    expect(reminder.status).toBe('cancelled');

    await new Promise((resolve) => setTimeout(resolve, 5_000)); // past the reminder's original due time
    expect(smsTo(phone).filter((call) => call.body.includes('is ready'))).toHaveLength(0);
    const after = await merchant.request('GET', `/v1/notifications/${reminder.id}`);
    expect(after.body.status).toBe('cancelled');
  });

  it('skips, with its reason, a reminder whose time has already passed', async () => {
    const created = await merchant.request('POST', '/v1/orders', makeOrder({
      pickupAt: new Date(Date.now() + 30 * 60_000).toISOString(),
      reminderBefore: 'PT2H',
    }));
    const reminder = created.body.notifications.find((n: any) => n.kind === 'reminder');
    expect(reminder).toMatchObject({ status: 'skipped', statusReason: 'reminder_time_passed' });
    expect(reminder.events).toEqual([expect.objectContaining({ status: 'skipped', detail: { reason: 'reminder_time_passed' } })]);
  });

  it('sends email through the SendGrid SDK, with a subject in the customer language', async () => {
    const created = await merchant.request('POST', '/v1/orders', makeOrder({
      reference: 'B-77',
      customer: { name: 'Zoé', email: 'Zoe@Example.com', locale: 'fr' },
      channels: ['email'],
    }));
    expect(created.status).toBe(201);
    const [mail] = await stack.sendgrid.waitForSent(1);
    expect(mail.to).toEqual(['zoe@example.com']);
    expect(mail.subject).toBe('Boulangerie Lune : commande B-77 confirmée');
    expect(mail.text).toContain('Bonjour Zoé');
    expect(mail.customArgs).toEqual({ notificationId: created.body.notifications[0].id });
    const sent = await merchant.waitFor(`/v1/notifications/${created.body.notifications[0].id}`, (n: any) => n.status === 'sent');
    expect(sent).toMatchObject({ provider: 'sendgrid', providerMessageId: mail.messageId });
  });
});
