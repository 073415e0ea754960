import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { exportDayListResponse, exportEntryResponse, exportSettingsResponse } from '../../apps/api/src/dto/exports.dto';
import { EXPORT_HEADER, expectedRow, insertOrder, makeSeededOrder, SeededOrder, zoneAtNoon } from '../support/export-seed';
import { HeraldClient } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';

jest.setTimeout(90_000);

describe('daily export over the API: settings, files, the ledger, resends', () => {
  let stack: HeraldStack;
  let shop: HeraldClient & { merchantId: string };
  let other: HeraldClient & { merchantId: string };
  const zone = zoneAtNoon();
  const today = DateTime.now().setZone(zone).startOf('day');
  const yesterday = today.minus({ days: 1 });
  const day = yesterday.toISODate()!;
  const at = (d: DateTime, time: string) => DateTime.fromISO(`${d.toISODate()}T${time}`, { zone }).toJSDate();
  // An hour ago, local: the first automatic export after switching on is ~23 h away, out of this test's way.
  const localTimeAnHourAgo = DateTime.now().setZone(zone).minus({ hours: 1 }).toFormat('HH:mm');

  beforeAll(async () => {
    stack = await startStack({ env: { EXPORT_TICK_EVERY: 'PT1S' } });
    shop = await stack.client.createMerchant({ name: 'Épicerie Zoë', timezone: zone });
    other = await stack.client.createMerchant({ name: 'Other Shop', timezone: zone });
  });
  afterAll(() => stack?.stop());

  const csvOf = (body: Buffer | string) => parse(body, { bom: true }) as string[][];
  const download = async (client: HeraldClient, path: string) => {
    const response = await fetch(`${stack.apiUrl}${path}`, { headers: { authorization: `Bearer ${client.apiKey}` } });
    return { response, bytes: Buffer.from(await response.arrayBuffer()) };
  };

  it('shows defaults until settings are saved, then the saved settings and the next export', async () => {
    const before = await shop.request('GET', '/v1/exports/settings');
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ enabled: false, recipients: [], localTime: '07:00', timezone: zone, nextExport: null, updatedAt: null });

    const saved = await shop.request('PUT', '/v1/exports/settings', { enabled: true, recipients: ['Back.Office@Zoe.test', 'back.office@zoe.test', 'owner@zoe.test'], localTime: localTimeAnHourAgo });
    expect(saved.status).toBe(200);
    expect(exportSettingsResponse.parse(saved.body)).toMatchObject({
      enabled: true,
      recipients: ['back.office@zoe.test', 'owner@zoe.test'],
      localTime: localTimeAnHourAgo,
      timezone: zone,
      nextExport: { day: today.toISODate() },
    });
    expect((await shop.request('GET', '/v1/exports/settings')).body).toEqual(saved.body);
  });

  it('refuses malformed settings, days and times with 400 and a code', async () => {
    const valid = { enabled: true, recipients: ['a@zoe.test'], localTime: '07:00' };
    const refused = async (body: unknown) => {
      const response = await shop.request('PUT', '/v1/exports/settings', body);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('validation_failed');
      return response.body.details.issues.map((issue: { path: string }) => issue.path);
    };
    expect(await refused({ ...valid, localTime: '25:00' })).toEqual(['localTime']);
    expect(await refused({ ...valid, localTime: '7:00' })).toEqual(['localTime']);
    expect(await refused({ ...valid, timezone: 'Mars/Olympus_Mons' })).toEqual(['timezone']);
    expect(await refused({ ...valid, recipients: Array.from({ length: 11 }, (_, i) => `r${i}@zoe.test`) })).toEqual(['recipients']);
    expect(await refused({ ...valid, recipients: [] })).toEqual(['recipients']);
    expect(await refused({ ...valid, recipients: ['not-an-email'] })).toEqual(['recipients.0']);
    expect(await refused({ ...valid, sendAt: 'now' })).toEqual(['']);

    for (const bad of ['2026-02-30', '2026-13-01', 'yesterday', '21-11-2026']) {
      const file = await shop.request('GET', `/v1/exports/${bad}.csv`);
      expect([file.status, file.body.code]).toEqual([400, 'invalid_day']);
      const resend = await shop.request('POST', `/v1/exports/${bad}/resend`);
      expect([resend.status, resend.body.code]).toEqual([400, 'invalid_day']);
    }
    expect((await shop.request('GET', '/v1/exports?before=2026-1-1')).body.code).toBe('invalid_query');
    const future = await shop.request('GET', `/v1/exports/${today.plus({ days: 1 }).toISODate()}.csv`);
    expect([future.status, future.body.code]).toEqual([422, 'day_in_future']);
    const notOver = await shop.request('POST', `/v1/exports/${today.toISODate()}/resend`);
    expect([notOver.status, notOver.body.code]).toEqual([422, 'day_not_over']);
  });

  describe('a day with orders', () => {
    let orders: SeededOrder[];

    beforeAll(async () => {
      orders = [
        makeSeededOrder(at(yesterday, '00:00:00'), { customer: { name: 'Zoë Ørsted-Lefèvre', phone: '+33612345678', email: 'zoe@example.fr' } }),
        makeSeededOrder(at(yesterday, '09:15:30'), {
          customer: { name: 'Ada, "the first"', phone: null, email: 'ada@example.com' },
          notifications: [
            { kind: 'confirmation', channel: 'email', status: 'undelivered', sentAt: at(yesterday, '09:15:31'), lastErrorCode: '550', statusReason: 'bounced' },
            { kind: 'reminder', channel: 'email', status: 'skipped', statusReason: 'pickup_passed' },
          ],
        }),
        makeSeededOrder(at(yesterday, '12:30:00'), {
          customer: { name: 'Wen', phone: '+33622334455', email: null },
          notifications: [
            { kind: 'confirmation', channel: 'whatsapp', status: 'dead', lastErrorCode: '63003' },
            { kind: 'confirmation', channel: 'sms', status: 'sent', sentAt: at(yesterday, '12:30:02') },
          ],
        }),
        makeSeededOrder(at(yesterday, '23:59:59'), { status: 'cancelled' }),
      ];
      const outside = [makeSeededOrder(new Date(at(yesterday, '00:00:00').getTime() - 1000)), makeSeededOrder(at(today, '00:00:00'))];
      for (const order of [...orders, ...outside]) await insertOrder(stack.environment, shop.merchantId, order);
      await insertOrder(stack.environment, other.merchantId, makeSeededOrder(at(yesterday, '12:00:00')));
    });

    it('downloads the day as a CSV file with exactly its orders, oldest first, that parses back', async () => {
      const { response, bytes } = await download(shop, `/v1/exports/${day}.csv`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="orders-${day}.csv"`);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(bytes.toString('utf8')).toContain('\r\n');
      const [header, ...rows] = csvOf(bytes);
      expect(header).toEqual(EXPORT_HEADER);
      expect(rows).toEqual(orders.map((order) => expectedRow(order, zone)));
      expect(rows[0][4]).toBe('+33612345678');
      expect(rows[1]).toEqual(expect.arrayContaining(['undelivered', '550', 'skipped', 'pickup_passed']));
      // A WhatsApp confirmation that failed (not a WhatsApp user) has its own columns, after SMS and email.
      expect(rows[2].slice(EXPORT_HEADER.indexOf('confirmation_whatsapp_status'), EXPORT_HEADER.indexOf('confirmation_whatsapp_error_code') + 1)).toEqual(['dead', '', '', '63003']);
    });

    it('neutralises a cell that a spreadsheet would run as a formula', async () => {
      const order = makeSeededOrder(at(yesterday, '18:00:00'), { reference: '=HYPERLINK("http://evil.test")', customer: { name: '@SUM(A1:A2)', phone: '+33698765432', email: null } });
      await insertOrder(stack.environment, shop.merchantId, order);
      const rows = csvOf((await download(shop, `/v1/exports/${day}.csv`)).bytes);
      const row = rows.find((r) => r[0].includes('HYPERLINK'))!;
      expect(row.slice(0, 5)).toEqual([`'=HYPERLINK("http://evil.test")`, expect.any(String), 'active', "'@SUM(A1:A2)", '+33698765432']);
      orders.push(order);
    });

    it('resends a day on purpose as a ledger entry of its own, each time', async () => {
      const first = await shop.request('POST', `/v1/exports/${day}/resend`);
      expect(first.status).toBe(202);
      expect(exportEntryResponse.parse(first.body)).toMatchObject({ day, kind: 'resend', state: 'pending', recipients: ['back.office@zoe.test', 'owner@zoe.test'] });
      const [mail] = await stack.sendgrid.waitForSent(1);
      expect(mail.to).toEqual(['back.office@zoe.test', 'owner@zoe.test']);
      expect(mail.subject).toContain(day);
      expect(mail.text).toContain('sent again');
      expect(mail.attachments).toHaveLength(1);
      expect(mail.attachments![0]).toMatchObject({ filename: `orders-${day}.csv`, type: 'text/csv; charset=utf-8', disposition: 'attachment' });
      const [header, ...rows] = csvOf(mail.attachments![0].content);
      expect(header).toEqual(EXPORT_HEADER);
      const oldestFirst = [...orders].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      expect(rows.map((r) => r[0])).toEqual(oldestFirst.map((o) => (o.reference.startsWith('=') ? `'${o.reference}` : o.reference)));

      await shop.request('POST', `/v1/exports/${day}/resend`);
      const [, second] = await stack.sendgrid.waitForSent(2);
      expect(second.messageId).not.toBe(mail.messageId);

      const listed = await shop.waitFor('/v1/exports?limit=3', (body: any) => body.data[1]?.entries.length === 2 && body.data[1].entries.every((e: any) => e.state === 'sent'));
      // The list reaches back to the merchant's first day or its oldest ledger entry, whichever is older.
      expect(exportDayListResponse.parse(listed)).toMatchObject({ data: [{ day: today.toISODate() }, { day }], nextCursor: null });
      const [newest, yesterdays] = listed.data;
      // Switched on after yesterday's export time: no automatic export for it, only the two resends.
      expect(newest.state).toBe('upcoming');
      expect(yesterdays.state).toBe('not_scheduled');
      expect(yesterdays.entries.map((e: any) => [e.kind, e.state, e.messageId, e.orders])).toEqual([
        ['resend', 'sent', mail.messageId, orders.length],
        ['resend', 'sent', second.messageId, orders.length],
      ]);
      const automatic = await stack.environment.query(`SELECT 1 FROM export_ledger WHERE merchant_id = $1 AND kind = 'daily'`, [shop.merchantId]);
      expect(automatic).toEqual([]);
    });

    it("keeps every route to the merchant's own data", async () => {
      const sentBefore = stack.sendgrid.calls.length;
      expect((await other.request('GET', '/v1/exports/settings')).body).toMatchObject({ enabled: false, recipients: [], updatedAt: null });
      const rows = csvOf((await download(other, `/v1/exports/${day}.csv`)).bytes);
      expect(rows).toHaveLength(2);
      expect(rows[1][0]).not.toBe(orders[0].reference);
      expect((await other.request('GET', '/v1/exports')).body.data.flatMap((d: any) => d.entries)).toEqual([]);
      const resend = await other.request('POST', `/v1/exports/${day}/resend`);
      expect([resend.status, resend.body.code]).toEqual([422, 'export_settings_missing']);
      for (const [method, path] of [
        ['GET', '/v1/exports/settings'],
        ['PUT', '/v1/exports/settings'],
        ['GET', '/v1/exports'],
        ['GET', `/v1/exports/${day}.csv`],
        ['POST', `/v1/exports/${day}/resend`],
      ]) {
        const anonymous = await stack.client.request(method, path);
        expect([anonymous.status, anonymous.body.code]).toEqual([401, 'missing_api_key']);
      }
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(stack.sendgrid.calls.length).toBe(sentBefore);
    });
  });
});
