import { gunzipSync } from 'node:zlib';
import { DateTime } from 'luxon';
import { FakeSendGrid } from '../../test/fakes/sendgrid.fake';
import { SENDGRID_FROM } from '../../test/support/herald-stack';
import { TestEnvironment } from '../../test/support/test-environment';
import { startBenchStack } from '../support/bench-stack';
import { count, mebibytes, seconds } from '../support/format';
import { Scenario } from '../support/measurement';
import { peakMemoryDuring } from '../support/process-memory';
import { waitUntil } from '../support/wait';

/**
 * "Bounded" made concrete: the file may be any size, the process must not grow by more than this while making it.
 * Streaming holds a few hundred rows at a time; the rest of the rise is garbage V8 lets build up between its major
 * collections (tens of MiB, whatever the file's size). Holding a day's rows all at once grows with the day instead:
 * about 1.1 KiB per order as JavaScript arrays of strings (110 MiB for 100,000 orders) before any CSV is written.
 */
const GOAL_GROWTH_BYTES = 128 * 2 ** 20;
const ZONE = 'Europe/Paris';
const RECIPIENT = 'backoffice@bench.test';

/**
 * A day of `size` orders exported twice: downloaded through the API (GET /v1/exports/:day.csv, streamed from a
 * Postgres cursor to the socket) and mailed by a worker at the export time (the same stream, packed into a gzip
 * attachment for SendGrid's fake). Each: time to the last byte or to `sent` in the ledger, and how much the process's
 * resident memory rose above where it stood before (the kernel's high-water mark, reset first). A day with a tenth of
 * the orders is downloaded first, in the same run: bounded memory means the rise does not follow the size.
 */
export const exportScenario: Scenario = {
  name: 'export',
  async run(options) {
    const size = options.quick ? 2_000 : 100_000;
    const sendgrid = await FakeSendGrid.start();
    const stack = await startBenchStack(options, 'export', {
      SENDGRID_API_KEY: sendgrid.apiKey,
      SENDGRID_FROM,
      SENDGRID_API_URL: sendgrid.url,
      EXPORT_TICK_EVERY: 'PT1S',
      EXPORT_LEASE: 'PT5M',
    });
    try {
      const yesterday = DateTime.now().setZone(ZONE).minus({ days: 1 });
      const day = yesterday.toISODate()!;
      const smallDay = yesterday.minus({ days: 1 }).toISODate()!;
      const seeded = await seedDay(stack.environment, stack.merchant.merchantId, day, size, 0);
      const smallSeeded = await seedDay(stack.environment, stack.merchant.merchantId, smallDay, size / 10, size);

      const downloadDay = (d: string, expectedRows: number) =>
        peakMemoryDuring(stack.api.child.pid!, async () => {
          const started = Date.now();
          const response = await fetch(`${stack.apiUrl}/v1/exports/${d}.csv`, { headers: { authorization: `Bearer ${stack.merchant.apiKey}` } });
          if (response.status !== 200) throw new Error(`GET ${d}.csv answered ${response.status}: ${await response.text()}`);
          let bytes = 0;
          let lines = 0;
          for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
            const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
            bytes += buffer.length;
            for (let at = buffer.indexOf(0x0a); at >= 0; at = buffer.indexOf(0x0a, at + 1)) lines += 1;
          }
          if (lines - 1 !== expectedRows) throw new Error(`the download of ${d} had ${lines - 1} rows for ${expectedRows} orders`);
          return { elapsedMs: Date.now() - started, bytes };
        });
      const small = await downloadDay(smallDay, smallSeeded);
      const download = await downloadDay(day, seeded);

      await stack.startWorkers(1);
      const [worker] = stack.workers;
      const mailed = await peakMemoryDuring(worker.child.pid!, async () => {
        await stack.merchant.request('PUT', '/v1/exports/settings', { enabled: true, recipients: [RECIPIENT], localTime: '00:00' });
        // Switched on just after the previous day's export time: `day` is the one export owed.
        await stack.environment.query(`UPDATE export_settings SET enabled_at = $2 WHERE merchant_id = $1`, [
          stack.merchant.merchantId,
          DateTime.fromISO(day, { zone: ZONE }).plus({ minutes: 1 }).toJSDate(),
        ]);
        await waitUntil('the export mail', () => sendgrid.sent().length > 0, 300_000, 100);
        // The worker records `sent` once SendGrid has answered: a moment after the fake received the mail.
        let entry: { ms: number; file_bytes: number; order_count: number } | undefined;
        await waitUntil(
          'the ledger entry to say sent',
          async () => {
            [entry] = await stack.environment.query<{ ms: number; file_bytes: number; order_count: number }>(
              `SELECT extract(epoch FROM sent_at - claimed_at) * 1000 AS ms, file_bytes, order_count FROM export_ledger WHERE merchant_id = $1 AND state = 'sent'`,
              [stack.merchant.merchantId],
            );
            return entry !== undefined;
          },
          10_000,
          20,
        );
        return entry!;
      });
      const [mail] = sendgrid.sent();
      const attachment = mail.attachments![0];
      const csv = attachment.filename.endsWith('.gz') ? gunzipSync(attachment.content) : attachment.content;
      const mailedRows = csv.toString('utf8').split('\r\n').length - 2;
      if (mailedRows !== seeded || mailed.result.order_count !== seeded) throw new Error(`the mailed file had ${mailedRows} rows for ${seeded} orders`);

      const growth = (m: { beforeBytes: number; peakBytes: number }) => m.peakBytes - m.beforeBytes;
      const figure = (elapsedMs: number, m: { beforeBytes: number; peakBytes: number }) => `${seconds(elapsedMs)}, RSS +${mebibytes(growth(m))}`;
      return [
        {
          scenario: 'export',
          metric: `download a ${count(size)}-order day (API)`,
          herald: figure(download.result.elapsedMs, download),
          baseline: '—',
          ratio: '—',
          goal: `RSS rise ≤ ${mebibytes(GOAL_GROWTH_BYTES)}`,
          met: growth(download) <= GOAL_GROWTH_BYTES,
          details: [
            `download: ${count(seeded)} rows, ${mebibytes(download.result.bytes)} of CSV in ${seconds(download.result.elapsedMs)}; ` +
              `API process RSS ${mebibytes(download.beforeBytes)} before, peak ${mebibytes(download.peakBytes)}; ` +
              `a tenth of the orders just before: ${figure(small.result.elapsedMs, small)}`,
          ],
        },
        {
          scenario: 'export',
          metric: `mail a ${count(size)}-order day (worker)`,
          herald: figure(mailed.result.ms, mailed),
          baseline: '—',
          ratio: '—',
          goal: `RSS rise ≤ ${mebibytes(GOAL_GROWTH_BYTES)}`,
          met: growth(mailed) <= GOAL_GROWTH_BYTES,
          details: [
            `mail: claim to \`sent\` in the ledger ${seconds(mailed.result.ms)}; ${mebibytes(mailed.result.file_bytes)} of CSV attached as ` +
              `${attachment.filename} (${mebibytes(attachment.content.length)}); worker RSS ${mebibytes(mailed.beforeBytes)} before, peak ${mebibytes(mailed.peakBytes)}`,
          ],
        },
      ];
    } finally {
      await stack.stop();
      await sendgrid.close();
    }
  },
};

/**
 * `size` orders created through `day` (merchant-local), each with its own customer (numbered from `firstCustomer`),
 * an SMS confirmation delivered (with its history event) and a reminder sent: written with INSERT … SELECT
 * generate_series, as the other scenarios seed.
 */
async function seedDay(environment: TestEnvironment, merchantId: string, day: string, size: number, firstCustomer: number): Promise<number> {
  const from = DateTime.fromISO(day, { zone: ZONE });
  const spacingMs = from.plus({ days: 1 }).diff(from).toMillis() / size;
  await environment.query(
    `WITH customers AS (
       INSERT INTO customers (id, merchant_id, name, phone, email, locale)
       SELECT gen_random_uuid(), $1, 'Client n°' || i || ' Lefèvre', '+336' || lpad(i::text, 8, '0'), 'client' || i || '@example.fr', 'fr'
       FROM generate_series($2::int + 1, $2::int + $3::int) AS i
       RETURNING id, substr(phone, 5)::int - $2::int AS n
     )
     INSERT INTO orders (id, merchant_id, customer_id, reference, pickup_at, reminder_before, channels, status, created_at, updated_at)
     SELECT gen_random_uuid(), $1, c.id, 'B-' || ($2::int + c.n), t + interval '1 day', 'PT2H', '{sms}', 'active', t, t
     FROM customers c, LATERAL (SELECT $4::timestamptz + (c.n - 1) * $5::float8 * interval '1 millisecond' AS t) created`,
    [merchantId, firstCustomer, size, from.toJSDate(), spacingMs],
  );
  await environment.query(
    `WITH confirmations AS (
       INSERT INTO notifications (id, merchant_id, order_id, kind, channel, priority, recipient, locale, status, scheduled_for, attempts,
                                  provider, provider_message_id, sent_at, created_at, updated_at)
       SELECT gen_random_uuid(), o.merchant_id, o.id, 'confirmation', 'sms', 'critical', c.phone, 'fr', 'delivered', o.created_at, 1,
              'twilio', 'SM' || md5(o.id::text), o.created_at + interval '1 second', o.created_at, o.created_at
       FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.merchant_id = $1 AND o.created_at >= $2 AND o.created_at < $3
       RETURNING id, merchant_id, sent_at
     )
     INSERT INTO notification_events (notification_id, merchant_id, status, at)
     SELECT id, merchant_id, 'delivered', sent_at + interval '3 seconds' FROM confirmations`,
    [merchantId, from.toJSDate(), from.plus({ days: 1 }).toJSDate()],
  );
  await environment.query(
    `INSERT INTO notifications (id, merchant_id, order_id, kind, channel, priority, recipient, locale, status, scheduled_for, attempts,
                                provider, provider_message_id, sent_at, created_at, updated_at)
     SELECT gen_random_uuid(), o.merchant_id, o.id, 'reminder', 'sms', 'critical', c.phone, 'fr', 'sent', o.pickup_at - interval '2 hours', 1,
            'twilio', 'SM' || md5(o.id::text || 'r'), o.pickup_at - interval '2 hours', o.created_at, o.created_at
     FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.merchant_id = $1 AND o.created_at >= $2 AND o.created_at < $3`,
    [merchantId, from.toJSDate(), from.plus({ days: 1 }).toJSDate()],
  );
  await environment.query('ANALYZE');
  return size;
}
