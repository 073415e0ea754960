import { Queue } from 'bullmq';
import { parse } from 'csv-parse/sync';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { deriveKey } from '@herald/config';
import { ORDER_ROW_COLUMNS } from '@herald/persistence';
import { BULK_QUEUE, CRITICAL_QUEUE, erasureJobId, sendJobId } from '@herald/queues';
import { FakeMerchantEndpoint, WebhookRequest } from '../fakes/merchant-endpoint.fake';
import { HeraldClient, makeOrder } from '../support/herald-client';
import { HeraldStack, startStack, TWILIO_FROM } from '../support/herald-stack';

jest.setTimeout(120_000);

/** The customer erased: every way her name, phone and email can be written. */
const ZEPHYRINE = {
  name: 'Zéphyrine Quillfeather-Oyelaran',
  phone: '+33671234589',
  email: 'zephyrine.quill@example.org',
};
/** What must be found nowhere afterwards (compared in lower case): the phone in E.164 and national formats, the email, the name. */
const NEEDLES = ['671234589', '06 71 23 45 89', '6 71 23 45 89', 'zephyrine.quill', 'quillfeather', 'zéphyrine'];
const found = (text: string) => NEEDLES.filter((needle) => text.toLowerCase().includes(needle));

const SECRET_KEY = randomBytes(32).toString('base64');
/** The other shop's own Twilio number: a STOP texted to it is that shop's. */
const OTHER_SHOP_NUMBER = '+33757000009';
const inHours = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();

/**
 * DELETE /v1/customers/:id erases a customer's personal data everywhere Herald keeps it. Her orders have sent and
 * pending notifications on both channels, a one-off message that died with a provider error quoting her number, a
 * STOP, a webhook endpoint that has not taken her events yet, stored Idempotency-Key answers and a daily export file
 * already written (the `log` email driver keeps it on disk). Afterwards no table, file or Redis key of this run holds
 * her name, phone or email; what happened, when and how many stays; and her STOP still holds.
 */
describe('erasing a customer', () => {
  let stack: HeraldStack;
  let endpoint: FakeMerchantEndpoint;
  let mailDirectory: string;
  let shop: HeraldClient & { merchantId: string };
  let other: HeraldClient & { merchantId: string };
  let customerId: string;
  let orderIds: string[];
  let oneOffId: string;
  let exportFile: string;
  let before: { notifications: Record<string, any>[]; events: Record<string, any>[]; orders: Record<string, any>[] };
  let erasure: any;
  let namesakeId: string;
  /** The processes' output while the erasure ran: from the DELETE to its completion. */
  let erasureLogs: string;

  const queue = (name: string) => new Queue(name, { connection: { url: stack.environment.env.REDIS_URL }, prefix: stack.environment.env.QUEUE_PREFIX });
  const notificationsOfCustomer = () =>
    stack.environment.query(
      `SELECT n.id, n.kind, n.channel, n.status, n.status_reason AS "statusReason", n.scheduled_for AS "scheduledFor", n.sent_at AS "sentAt",
              n.attempts, n.created_at AS "createdAt", n.updated_at AS "updatedAt", n.last_error_code AS "lastErrorCode"
       FROM notifications n WHERE n.merchant_id = $1 AND (n.customer_id = $2 OR n.id = $3) ORDER BY n.id`,
      [shop.merchantId, customerId, oneOffId],
    );
  const eventsOfCustomer = () =>
    stack.environment.query(
      `SELECT e.notification_id AS "notificationId", e.status, e.at FROM notification_events e
       WHERE e.notification_id IN (SELECT id FROM notifications WHERE customer_id = $1 OR id = $2) ORDER BY e.id`,
      [customerId, oneOffId],
    );
  const ordersOfCustomer = () =>
    stack.environment.query(`SELECT id, reference, status, pickup_at, created_at, updated_at FROM orders WHERE customer_id = $1 ORDER BY id`, [customerId]);
  const twilioCallsTo = (phone: string) => stack.twilio.calls.filter((call) => call.to === phone).length;

  beforeAll(async () => {
    mailDirectory = await mkdtemp(join(tmpdir(), 'herald-erasure-'));
    endpoint = await FakeMerchantEndpoint.start();
    // Email goes to the log driver, which keeps export files on disk (under TMPDIR); SMS to the Twilio fake.
    stack = await startStack({
      env: { SENDGRID_API_KEY: '', SENDGRID_FROM: '', TMPDIR: mailDirectory, SECRET_KEY, WEBHOOK_BACKOFF_MS: '200', WEBHOOK_ATTEMPTS: '50' },
    });
    shop = await stack.client.createMerchant({ name: 'Épicerie Erasure', timezone: 'Europe/Paris' });
    other = await stack.client.createMerchant({ name: 'Other Shop' });

    // A webhook endpoint that does not take the events yet: their deliveries wait, pending.
    endpoint.failAlways({ status: 503 });
    expect((await shop.request('PUT', '/v1/webhook-endpoint', { url: endpoint.url })).status).toBe(200);

    const created = await shop.request(
      'POST',
      '/v1/customers',
      { name: ZEPHYRINE.name, phone: '+33 6 71 23 45 89', email: 'Zephyrine.Quill@Example.org', preferredChannel: 'sms', locale: 'fr' },
      { 'Idempotency-Key': 'customer-zephyrine' },
    );
    expect(created.status).toBe(201);
    customerId = created.body.id;

    // Her first order, on both channels: confirmations sent now, reminders pending (in two hours).
    const first = await shop.request(
      'POST',
      '/v1/orders',
      makeOrder({ reference: 'ER-1', customer: undefined, customerId, channels: ['sms', 'email'], pickupAt: inHours(3), reminderBefore: 'PT1H' }),
      { 'Idempotency-Key': 'order-er-1' },
    );
    // Her second order: its reminder goes a few seconds from now.
    const second = await shop.request(
      'POST',
      '/v1/orders',
      makeOrder({ reference: 'ER-2', customer: undefined, customerId, pickupAt: new Date(Date.now() + 64_000).toISOString(), reminderBefore: 'PT1M' }),
    );
    expect([first.status, second.status]).toEqual([201, 201]);
    orderIds = [first.body.id, second.body.id];
    await shop.waitFor(`/v1/orders/${first.body.id}`, (o: any) => o.notifications.filter((n: any) => n.kind === 'confirmation' && n.status === 'sent').length === 2);
    await shop.waitFor(`/v1/orders/${second.body.id}`, (o: any) => o.notifications.every((n: any) => n.status === 'sent'), 20_000);

    // A one-off message Twilio refuses for good, quoting her number in its national format.
    stack.twilio.failFor(ZEPHYRINE.phone, { status: 400, code: 21211, message: "The 'To' number 06 71 23 45 89 is not a valid phone number." });
    const oneOff = await shop.request('POST', '/v1/notifications', { channel: 'sms', to: { phone: ZEPHYRINE.phone }, body: `Bonjour ${ZEPHYRINE.name}, votre colis est arrivé.` });
    oneOffId = oneOff.body.id;
    await shop.waitFor(`/v1/notifications/${oneOffId}`, (n: any) => n.status === 'dead');
    // Its dead letter is parked just after the status commits: the erasure below must find it there.
    const deadLetters = queue('dead-letter');
    try {
      const parked = async () => (await deadLetters.getJobs(['failed', 'waiting', 'delayed', 'completed'])).some((job) => job.data.notificationId === oneOffId);
      for (const deadline = Date.now() + 10_000; !(await parked()) && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await parked()).toBe(true);
    } finally {
      await deadLetters.close();
    }
    stack.twilio.recover();

    // Another shop, sending from its own number, has a customer with her phone and email, who texted it STOP: that
    // shop's data, which her erasure leaves alone.
    expect((await other.request('PATCH', '/v1/merchant', { smsFrom: OTHER_SHOP_NUMBER })).status).toBe(200);
    const namesake = await other.request('POST', '/v1/customers', { name: 'Namesake', phone: ZEPHYRINE.phone, email: ZEPHYRINE.email });
    expect(namesake.status).toBe(201);
    namesakeId = namesake.body.id;
    expect((await stack.twilio.sendInbound(`${stack.apiUrl}/webhooks/twilio/inbound`, { from: ZEPHYRINE.phone, to: OTHER_SHOP_NUMBER, body: 'STOP' })).status).toBe(200);

    // She texts STOP to this shop's number (the platform's).
    expect((await stack.twilio.sendInbound(`${stack.apiUrl}/webhooks/twilio/inbound`, { from: ZEPHYRINE.phone, to: TWILIO_FROM, body: 'STOP' })).status).toBe(200);

    // Her first order was placed yesterday, with another customer's: yesterday's export file is mailed (kept on disk).
    const neighbour = await shop.request('POST', '/v1/orders', makeOrder({ reference: 'ER-OTHER', customer: { name: 'Augustin Neighbour', phone: '+33611110000' } }));
    await stack.environment.query(`UPDATE orders SET created_at = created_at - interval '1 day' WHERE id = ANY($1::uuid[])`, [[first.body.id, neighbour.body.id]]);
    const [{ createdAt }] = await stack.environment.query<{ createdAt: Date }>(`SELECT created_at AS "createdAt" FROM orders WHERE id = $1`, [first.body.id]);
    const day = DateTime.fromJSDate(createdAt).setZone('Europe/Paris').toISODate()!;
    await shop.request('PUT', '/v1/exports/settings', { enabled: false, recipients: ['office@epicerie.example'], localTime: '07:00' });
    expect((await shop.request('POST', `/v1/exports/${day}/resend`)).status).toBe(202);
    const days = await shop.waitFor('/v1/exports?limit=3', (body: any) => body.data.some((d: any) => d.day === day && d.entries[0]?.state === 'sent'));
    const entry = days.data.find((d: any) => d.day === day).entries[0];
    exportFile = join(mailDirectory, 'herald-mail', entry.messageId, `orders-${day}.csv`);
    const written: string[][] = parse(await readFile(exportFile), { bom: true });
    expect(written.map((row) => row[0])).toEqual(['order_reference', 'ER-1', 'ER-OTHER']);
    expect(found(written.flat().join(','))).toEqual(expect.arrayContaining(['671234589', 'zephyrine.quill', 'quillfeather']));

    before = { notifications: await notificationsOfCustomer(), events: await eventsOfCustomer(), orders: await ordersOfCustomer() };
    expect(before.notifications.map((n) => n.status).sort()).toEqual(['dead', 'scheduled', 'scheduled', 'sent', 'sent', 'sent', 'sent']);

    const logsFrom = { api: stack.api.output.length, worker: stack.workers[0].output.length };
    const answer = await shop.request('DELETE', `/v1/customers/${customerId}`);
    expect(answer.status).toBe(202);
    expect(answer.headers.get('location')).toBe(`/v1/erasures/${answer.body.id}`);
    expect(answer.body).toMatchObject({ id: expect.any(String), erasureId: answer.body.id, customerId, status: 'requested', completedAt: null });
    erasure = await shop.waitFor(`/v1/erasures/${answer.body.id}`, (body: any) => body.status === 'completed', 30_000);
    // The worker's line may reach its output a moment after the API shows the erasure completed.
    await stack.workers[0].waitForOutput('customer erased');
    erasureLogs = stack.api.output.slice(logsFrom.api) + stack.workers[0].output.slice(logsFrom.worker);
  });

  afterAll(async () => {
    await stack?.stop();
    await endpoint?.close();
    if (mailDirectory) await rm(mailDirectory, { recursive: true, force: true });
  });

  it('says what it erased once it has completed', () => {
    const took = new Date(erasure.completedAt).getTime() - new Date(erasure.requestedAt).getTime();
    process.stdout.write(`erasure of ${erasure.counts.notifications} notifications and ${erasure.counts.exportFiles} export file: ${took} ms from request to completed\n`);
    expect(erasure).toEqual({
      id: erasure.id,
      customerId,
      status: 'completed',
      counts: { cancelled: 2, notifications: 7, events: 1, optOuts: 1, idempotencyRecords: 2, deadLetters: 1, exportFiles: 1 },
      requestedAt: expect.any(String),
      completedAt: expect.any(String),
    });
  });

  it('leaves her name, phone and email in no table of the database', async () => {
    const tables = await stack.environment.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
    );
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['customers', 'notifications', 'notification_events', 'idempotency_keys', 'opt_outs', 'erasures']));
    const leftovers: string[] = [];
    for (const { name } of tables) {
      const rows = await stack.environment.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${name}" t`);
      // The other shop's namesake, and the STOP texted to that shop's own number, are that shop's.
      const othersData = (row: string) => row.includes(namesakeId) || row.includes(OTHER_SHOP_NUMBER);
      for (const { row } of rows) if (found(row).length && !othersData(row)) leftovers.push(`${name}: ${row.slice(0, 300)}`);
    }
    expect(leftovers).toEqual([]);
    const namesake = await other.request('GET', `/v1/customers/${namesakeId}`);
    expect(namesake.body).toMatchObject({ name: 'Namesake', phone: ZEPHYRINE.phone, email: ZEPHYRINE.email, consent: { sms: false, email: true } });
    expect(await stack.environment.query(`SELECT phone FROM opt_outs WHERE sender = $1`, [OTHER_SHOP_NUMBER])).toEqual([{ phone: ZEPHYRINE.phone }]);
  });

  it('leaves them in no file on disk: the export file already written keeps its rows, without hers', async () => {
    const files = (await readdir(mailDirectory, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect([file.name, found(await readFile(join(file.parentPath, file.name), 'utf8'))]).toEqual([file.name, []]);

    const [header, ...rows]: string[][] = parse(await readFile(exportFile), { bom: true });
    const cell = (row: string[], column: string) => row[header.indexOf(column)];
    expect(header).toEqual(ORDER_ROW_COLUMNS);
    expect(rows.map((row) => row[0])).toEqual(['ER-1', 'ER-OTHER']);
    expect([cell(rows[0], 'customer_name'), cell(rows[0], 'customer_phone'), cell(rows[0], 'customer_email')]).toEqual(['', '', '']);
    expect([cell(rows[0], 'order_status'), cell(rows[0], 'confirmation_sms_status'), cell(rows[0], 'confirmation_email_status')]).toEqual(['active', 'sent', 'sent']);
    expect(cell(rows[0], 'confirmation_sms_sent_at')).not.toBe('');
    expect([cell(rows[1], 'customer_name'), cell(rows[1], 'customer_phone')]).toEqual(['Augustin Neighbour', '+33611110000']);
  });

  it('leaves them in no Redis key of this deployment, and drops the dead letter of her dead message', async () => {
    const redis = stack.environment.redis();
    try {
      const keys = await redis.keys(`${stack.environment.env.QUEUE_PREFIX}*`);
      expect(keys.length).toBeGreaterThan(10);
      const leftovers: string[] = [];
      for (const key of keys) {
        const type = await redis.type(key);
        const content =
          type === 'string' ? [await redis.get(key)]
          : type === 'hash' ? Object.entries(await redis.hgetall(key)).flat()
          : type === 'list' ? await redis.lrange(key, 0, -1)
          : type === 'set' ? await redis.smembers(key)
          : type === 'zset' ? await redis.zrange(key, 0, -1)
          : type === 'stream' ? (await redis.xrange(key, '-', '+')).flat(2)
          : [];
        const text = [key, ...content].join('\n');
        if (found(text).length) leftovers.push(`${key} (${type}): ${text.slice(0, 300)}`);
      }
      expect(leftovers).toEqual([]);
    } finally {
      redis.disconnect();
    }
    const deadLetters = queue('dead-letter');
    try {
      expect((await deadLetters.getJobs(['failed', 'waiting', 'delayed', 'completed'])).filter((job) => job.data.notificationId === oneOffId)).toEqual([]);
    } finally {
      await deadLetters.close();
    }
  });

  it('keeps her orders and notifications, their statuses, times and histories: only the pending reminders are now cancelled', async () => {
    expect(await ordersOfCustomer()).toEqual(before.orders);
    const after = await notificationsOfCustomer();
    const pending = before.notifications.filter((n) => n.status === 'scheduled').map((n) => n.id);
    expect(pending).toHaveLength(2);
    expect(after.filter((n) => !pending.includes(n.id))).toEqual(before.notifications.filter((n) => !pending.includes(n.id)));
    for (const id of pending) {
      const [was, is] = [before.notifications.find((n) => n.id === id)!, after.find((n) => n.id === id)!];
      expect(is).toEqual({ ...was, status: 'cancelled', statusReason: 'customer_erased', updatedAt: expect.any(Date) });
    }
    const events = await eventsOfCustomer();
    expect(events.slice(0, before.events.length)).toEqual(before.events);
    expect(events.slice(before.events.length).map((e) => [e.notificationId, e.status]).sort()).toEqual(pending.map((id) => [id, 'cancelled']).sort());

    // As the API shows them: no recipient, no text, no provider error; the code stays.
    const order = await shop.request('GET', `/v1/orders/${orderIds[0]}`);
    expect(order.body.customer).toEqual({ id: customerId, name: null, phone: null, email: null, locale: 'fr' });
    expect(order.body.notifications.map((n: any) => [n.kind, n.channel, n.to, n.body, n.status]).sort()).toEqual([
      ['confirmation', 'email', '', null, 'sent'],
      ['confirmation', 'sms', '', null, 'sent'],
      ['reminder', 'email', '', null, 'cancelled'],
      ['reminder', 'sms', '', null, 'cancelled'],
    ]);
    const dead = await shop.request('GET', `/v1/notifications/${oneOffId}`);
    expect(dead.body).toMatchObject({ to: '', body: null, status: 'dead', lastError: null, lastErrorCode: '21211' });
    expect(dead.body.events.find((e: any) => e.status === 'dead').detail).toMatchObject({ code: '21211', permanent: true });
  });

  it('cancelled the pending reminders before anything else: their jobs are gone and Twilio never got them', async () => {
    const critical = queue(CRITICAL_QUEUE);
    try {
      for (const n of before.notifications.filter((x) => x.status === 'scheduled')) expect(await critical.getJob(sendJobId(n.id))).toBeUndefined();
    } finally {
      await critical.close();
    }
    // Sent: two confirmations and a reminder; the dead one-off was refused.
    expect(stack.twilio.calls.filter((call) => call.to === ZEPHYRINE.phone).map((call) => call.status)).toEqual([201, 201, 201, 400]);
  });

  it('lets her webhook deliveries not yet made go out, without her data', async () => {
    const hers = before.notifications.map((n) => n.id);
    const pendingOfHers = async () =>
      (
        await stack.environment.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM webhook_deliveries d JOIN notification_events e ON e.id = d.event_id
           WHERE d.status = 'pending' AND e.notification_id = ANY($1::uuid[])`,
          [hers],
        )
      )[0].n;
    const waiting = await pendingOfHers();
    // Every status change of hers, the erasure's cancellations included, is still to be delivered.
    expect(waiting).toBe((await eventsOfCustomer()).length);
    endpoint.recover();
    const recoveredAt = Date.now();
    // Their retries are backing off: bring them forward.
    const bulk = queue(BULK_QUEUE);
    try {
      await bulk.promoteJobs();
    } finally {
      await bulk.close();
    }
    const ofHers = (request: WebhookRequest) => request.at >= recoveredAt && hers.includes(request.body?.data?.notificationId);
    const delivered = await endpoint.waitForRequests(waiting, ofHers, 30_000);
    for (const request of delivered) expect([request.body.data.status, request.body.data.to, found(request.raw)]).toEqual([request.body.data.status, '', []]);
    for (const deadline = Date.now() + 10_000; (await pendingOfHers()) > 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await pendingOfHers()).toBe(0);
  });

  it('keeps her STOP as a keyed hash of her number: a new order’s SMS to it is still skipped, until she texts START', async () => {
    const expected = `hmac-sha256:${createHmac('sha256', deriveKey(SECRET_KEY, 'contact-hash')).update(ZEPHYRINE.phone).digest('hex')}`;
    expect(await stack.environment.query(`SELECT sender, phone, source FROM opt_outs WHERE sender = $1`, [TWILIO_FROM])).toEqual([
      { sender: TWILIO_FROM, phone: expected, source: 'keyword' },
    ]);

    const callsBefore = twilioCallsTo(ZEPHYRINE.phone);
    const again = await shop.request('POST', '/v1/orders', makeOrder({ customer: { name: 'Z.', phone: ZEPHYRINE.phone } }));
    expect(again.status).toBe(201);
    expect(again.body.customer.id).not.toBe(customerId);
    const confirmation = again.body.notifications.find((n: any) => n.kind === 'confirmation');
    expect(await shop.waitFor(`/v1/notifications/${confirmation.id}`, (n: any) => n.status === 'skipped')).toMatchObject({ statusReason: 'opted_out' });
    expect((await shop.request('GET', `/v1/customers/${again.body.customer.id}`)).body.consent).toEqual({ sms: false, email: true, whatsapp: true });

    expect((await stack.twilio.sendInbound(`${stack.apiUrl}/webhooks/twilio/inbound`, { from: ZEPHYRINE.phone, to: TWILIO_FROM, body: 'START' })).status).toBe(200);
    expect(await stack.environment.query(`SELECT phone FROM opt_outs WHERE sender = $1`, [TWILIO_FROM])).toEqual([]);
    const later = await shop.request('POST', '/v1/orders', makeOrder({ customer: { name: 'Z.', phone: ZEPHYRINE.phone } }));
    const laterConfirmation = later.body.notifications.find((n: any) => n.kind === 'confirmation');
    await shop.waitFor(`/v1/notifications/${laterConfirmation.id}`, (n: any) => n.status === 'sent');
    expect(twilioCallsTo(ZEPHYRINE.phone)).toBe(callsBefore + 1);
  });

  it('wrote none of her data to the logs while erasing', () => {
    expect(erasureLogs).toContain('customer erasure requested');
    expect(erasureLogs).toContain('customer erased');
    expect(found(erasureLogs)).toEqual([]);
  });

  it('no longer knows her: 404 on her id, 400 for an order naming her, absent from lists; asking again answers the same erasure', async () => {
    expect((await shop.request('GET', `/v1/customers/${customerId}`)).body).toMatchObject({ statusCode: 404, code: 'customer_not_found' });
    expect((await shop.request('PATCH', `/v1/customers/${customerId}`, { name: 'Back' })).body).toMatchObject({ statusCode: 404, code: 'customer_not_found' });
    expect((await shop.request('POST', '/v1/orders', makeOrder({ customer: undefined, customerId }))).body).toMatchObject({ statusCode: 400, code: 'unknown_customer' });
    const campaign = await shop.request('POST', '/v1/campaigns', { name: 'Hers', body: 'Hi', audience: { customerIds: [customerId] } });
    expect(campaign.body).toMatchObject({ statusCode: 400, code: 'unknown_customer' });
    const listed = await shop.request('GET', '/v1/customers?limit=200');
    expect(listed.body.data.map((c: any) => c.id)).not.toContain(customerId);

    const again = await shop.request('DELETE', `/v1/customers/${customerId}`);
    expect([again.status, again.body.id, again.body.status]).toEqual([202, erasure.id, 'completed']);
  });

  it('answers every error with its code: another merchant’s customer or erasure 404, a read key 403, no key 401', async () => {
    const theirs = await other.request('DELETE', `/v1/customers/${customerId}`);
    expect([theirs.status, theirs.body.code]).toEqual([404, 'customer_not_found']);
    expect((await other.request('GET', `/v1/erasures/${erasure.id}`)).body).toMatchObject({ statusCode: 404, code: 'erasure_not_found' });
    expect(JSON.stringify(await other.request('GET', `/v1/erasures/${erasure.id}`))).not.toContain(customerId);
    const unknown = await shop.request('GET', `/v1/erasures/${customerId}`);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'erasure_not_found']);
    for (const [path, code] of [
      ['/v1/customers/not-a-uuid', 'customer_not_found'],
      [`/v1/customers/${erasure.id}`, 'customer_not_found'],
    ]) {
      const answer = await shop.request('DELETE', path);
      expect([path, answer.status, answer.body.code]).toEqual([path, 404, code]);
    }
    expect((await shop.request('GET', '/v1/erasures/not-a-uuid')).body).toMatchObject({ statusCode: 404, code: 'erasure_not_found' });

    const kept = await shop.request('POST', '/v1/customers', { name: 'Kept', phone: '+33673330000' });
    const readKey = (await shop.request('POST', '/v1/api-keys', { name: 'Dashboard', scope: 'read' })).body.apiKey;
    const reader = shop.withKey(readKey);
    const refused = await reader.request('DELETE', `/v1/customers/${kept.body.id}`);
    expect([refused.status, refused.body.code]).toEqual([403, 'insufficient_scope']);
    expect((await reader.request('GET', `/v1/erasures/${erasure.id}`)).status).toBe(200);
    const anonymous = await stack.client.request('DELETE', `/v1/customers/${kept.body.id}`);
    expect([anonymous.status, anonymous.body.code]).toEqual([401, 'missing_api_key']);
    expect((await stack.client.request('GET', `/v1/erasures/${erasure.id}`)).body).toMatchObject({ statusCode: 401, code: 'missing_api_key' });
    expect((await shop.request('GET', `/v1/customers/${kept.body.id}`)).body).toMatchObject({ name: 'Kept', phone: '+33673330000' });
  });

  it('cancels a reminder due seconds after the request: it never reaches Twilio', async () => {
    const phone = '+33672345690';
    const order = await shop.request('POST', '/v1/orders', makeOrder({ customer: { name: 'Ottoline', phone }, pickupAt: new Date(Date.now() + 66_000).toISOString(), reminderBefore: 'PT1M' }));
    const reminder = order.body.notifications.find((n: any) => n.kind === 'reminder');
    expect(reminder.status).toBe('scheduled');
    const confirmation = order.body.notifications.find((n: any) => n.kind === 'confirmation');
    await shop.waitFor(`/v1/notifications/${confirmation.id}`, (n: any) => n.status === 'sent');
    const answer = await shop.request('DELETE', `/v1/customers/${order.body.customer.id}`);
    await shop.waitFor(`/v1/erasures/${answer.body.id}`, (body: any) => body.status === 'completed', 30_000);
    // Past the reminder's time, and then some.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, new Date(reminder.scheduledFor).getTime() + 3000 - Date.now())));
    expect(await shop.request('GET', `/v1/notifications/${reminder.id}`).then((r) => [r.body.status, r.body.statusReason])).toEqual(['cancelled', 'customer_erased']);
    expect(stack.twilio.calls.filter((call) => call.to === phone)).toHaveLength(1);
  });

  it('is rebuilt from Postgres when Redis lost its job, and completes once a worker is back', async () => {
    const customer = await shop.request('POST', '/v1/customers', { name: 'Lost Job', phone: '+33673334455' });
    await stack.workers[0].kill();
    const answer = await shop.request('DELETE', `/v1/customers/${customer.body.id}`);
    expect([answer.status, answer.body.status]).toEqual([202, 'requested']);
    const bulk = queue(BULK_QUEUE);
    try {
      await (await bulk.getJob(erasureJobId(answer.body.id)))!.remove();
      expect(await bulk.getJob(erasureJobId(answer.body.id))).toBeUndefined();
    } finally {
      await bulk.close();
    }
    // A worker's boot reconciliation gives the erasure its job back.
    await stack.addWorker();
    await shop.waitFor(`/v1/erasures/${answer.body.id}`, (body: any) => body.status === 'completed', 30_000);
    expect(await stack.environment.query(`SELECT name, phone, email FROM customers WHERE id = $1`, [customer.body.id])).toEqual([{ name: null, phone: null, email: null }]);
  });
});
