/**
 * The raw ingest baseline: what POST /v1/orders stores, written by a plain `pg` + `bullmq` loop with no framework —
 * in one transaction the customer, the order, its confirmation and reminder and their first events, then one addBulk
 * of the two jobs. Runs `connections` loops side by side for `durationMs`, then sends every operation's latency.
 */
import { JobsOptions, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { SEND_NOTIFICATION_JOB, sendJobId } from '../../libs/queues/src/queue-names';
import { redisUrlOptions } from '../../libs/redis/src/redis-clients';
import { phoneNumber } from '../support/seed';

export interface RawIngestConfig {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  queue: string;
  jobOptions: JobsOptions;
  merchantId: string;
  connections: number;
  durationMs: number;
  poolSize: number;
  firstPhone: number;
}

/** `cpuMs`: this process's own CPU time over the loops, its start (ts-node compiling it) left out. */
export type RawIngestMessage = { type: 'result'; latencies: number[]; failures: number; firstFailure: string | null; cpuMs: number };

const REMINDER_LEAD_MS = 3600_000;
const PICKUP_IN_MS = 3 * 3600_000;

const config: RawIngestConfig = JSON.parse(process.argv[2]);
const pool = new Pool({ connectionString: config.databaseUrl, max: config.poolSize });
const queue = new Queue(config.queue, { connection: redisUrlOptions(config.redisUrl), prefix: config.prefix });
let sequence = 0;

async function ingestOne(): Promise<void> {
  const n = sequence++;
  const now = Date.now();
  const pickupAt = new Date(now + PICKUP_IN_MS);
  const remindAt = new Date(now + PICKUP_IN_MS - REMINDER_LEAD_MS);
  const [orderId, confirmationId, reminderId] = [randomUUID(), randomUUID(), randomUUID()];
  const phone = phoneNumber(config.firstPhone + n);
  const db = await pool.connect();
  try {
    await db.query('BEGIN');
    const customer = await db.query(
      `INSERT INTO customers (id, merchant_id, name, phone, email, locale) VALUES ($1, $2, $3, $4, NULL, 'en')
       ON CONFLICT (merchant_id, coalesce(phone, ''), coalesce(email, '')) DO UPDATE SET name = EXCLUDED.name
       RETURNING id`,
      [randomUUID(), config.merchantId, 'Ada', phone],
    );
    await db.query(
      `INSERT INTO orders (id, merchant_id, customer_id, reference, pickup_at, reminder_before, channels, status)
       VALUES ($1, $2, $3, $4, $5, 'PT1H', '{sms}', 'active')`,
      [orderId, config.merchantId, customer.rows[0].id, `RAW-${n}`, pickupAt],
    );
    await db.query(
      `INSERT INTO notifications (id, merchant_id, order_id, kind, channel, priority, recipient, locale, status, scheduled_for)
       VALUES ($1, $3, $4, 'confirmation', 'sms', 'critical', $5, 'en', 'queued', $6),
              ($2, $3, $4, 'reminder', 'sms', 'critical', $5, 'en', 'scheduled', $7)`,
      [confirmationId, reminderId, config.merchantId, orderId, phone, new Date(now), remindAt],
    );
    await db.query(`INSERT INTO notification_events (notification_id, merchant_id, status) VALUES ($1, $3, 'queued'), ($2, $3, 'scheduled')`, [
      confirmationId,
      reminderId,
      config.merchantId,
    ]);
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  } finally {
    db.release();
  }
  await queue.addBulk([
    { name: SEND_NOTIFICATION_JOB, data: { notificationId: confirmationId }, opts: { ...config.jobOptions, jobId: sendJobId(confirmationId) } },
    {
      name: SEND_NOTIFICATION_JOB,
      data: { notificationId: reminderId },
      opts: { ...config.jobOptions, jobId: sendJobId(reminderId), delay: remindAt.getTime() - Date.now() },
    },
  ]);
}

async function main(): Promise<void> {
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | null = null;
  const cpuBefore = process.cpuUsage();
  const deadline = Date.now() + config.durationMs;
  await Promise.all(
    Array.from({ length: config.connections }, async () => {
      while (Date.now() < deadline) {
        const started = performance.now();
        try {
          await ingestOne();
          latencies.push(performance.now() - started);
        } catch (error) {
          failures += 1;
          firstFailure ??= (error as Error).message;
        }
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  // Connections stay open until the benchmark stops this process, so it can still count their Postgres backends.
  process.once('SIGTERM', () => void Promise.all([pool.end(), queue.close()]).then(() => process.exit(0)));
  process.send!({ type: 'result', latencies, failures, firstFailure, cpuMs: (cpu.user + cpu.system) / 1000 } satisfies RawIngestMessage);
}

void main();
