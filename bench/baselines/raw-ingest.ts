/**
 * The hand-written ingest endpoint: what POST /v1/orders stores, served by plain `node:http` with no framework — the
 * JSON body parsed, in one transaction the customer, the order, its confirmation and reminder and their first events,
 * then two BullMQ adds (the reminder delayed to its time), and a 201 with the ids. The same load generator as
 * Herald's drives it. Says `ready` with its port once it listens.
 */
import { JobsOptions, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { SEND_NOTIFICATION_JOB, sendJobId } from '../../libs/queues/src/queue-names';
import { redisUrlOptions } from '../../libs/redis/src/redis-clients';

export interface RawIngestConfig {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  queue: string;
  jobOptions: JobsOptions;
  merchantId: string;
  poolSize: number;
}

export type RawIngestMessage = { type: 'ready'; port: number };

interface OrderRequest {
  reference: string;
  customer: { name: string; phone: string; locale: string };
  pickupAt: string;
}

/** The benchmark's orders all ask for a reminder an hour before pickup (PT1H). */
const REMINDER_LEAD_MS = 3600_000;

const config: RawIngestConfig = JSON.parse(process.argv[2]);
const pool = new Pool({ connectionString: config.databaseUrl, max: config.poolSize });
const queue = new Queue(config.queue, { connection: redisUrlOptions(config.redisUrl), prefix: config.prefix });
let failures = 0;

async function ingest(order: OrderRequest): Promise<{ id: string; notifications: string[] }> {
  const now = Date.now();
  const pickupAt = new Date(order.pickupAt);
  const remindAt = new Date(pickupAt.getTime() - REMINDER_LEAD_MS);
  const [orderId, confirmationId, reminderId] = [randomUUID(), randomUUID(), randomUUID()];
  const { phone, name, locale } = order.customer;
  const db = await pool.connect();
  try {
    await db.query('BEGIN');
    const customer = await db.query(
      `INSERT INTO customers (id, merchant_id, name, phone, email, locale, test) VALUES ($1, $2, $3, $4, NULL, $5, false)
       ON CONFLICT (merchant_id, test, coalesce(phone, ''), coalesce(email, '')) WHERE erased_at IS NULL
       DO UPDATE SET name = EXCLUDED.name, locale = EXCLUDED.locale
       RETURNING id`,
      [randomUUID(), config.merchantId, name, phone, locale],
    );
    const customerId = customer.rows[0].id;
    await db.query(
      `INSERT INTO orders (id, merchant_id, customer_id, reference, pickup_at, reminder_before, channels, status)
       VALUES ($1, $2, $3, $4, $5, 'PT1H', '{sms}', 'active')`,
      [orderId, config.merchantId, customerId, order.reference, pickupAt],
    );
    await db.query(
      `INSERT INTO notifications (id, merchant_id, order_id, customer_id, kind, channel, priority, recipient, locale, status, scheduled_for)
       VALUES ($1, $3, $4, $5, 'confirmation', 'sms', 'critical', $6, $7, 'queued', $8),
              ($2, $3, $4, $5, 'reminder', 'sms', 'critical', $6, $7, 'scheduled', $9)`,
      [confirmationId, reminderId, config.merchantId, orderId, customerId, phone, locale, new Date(now), remindAt],
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
  await Promise.all([
    queue.add(SEND_NOTIFICATION_JOB, { notificationId: confirmationId }, { ...config.jobOptions, jobId: sendJobId(confirmationId) }),
    queue.add(
      SEND_NOTIFICATION_JOB,
      { notificationId: reminderId },
      { ...config.jobOptions, jobId: sendJobId(reminderId), delay: Math.max(0, remindAt.getTime() - Date.now()) },
    ),
  ]);
  return { id: orderId, notifications: [confirmationId, reminderId] };
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'POST' || request.url !== '/v1/orders') return answer(response, 404, { error: 'not_found' });
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  let order: OrderRequest;
  try {
    order = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return answer(response, 400, { error: 'invalid_json' });
  }
  try {
    answer(response, 201, await ingest(order));
  } catch (error) {
    failures += 1;
    if (failures === 1) process.stderr.write(`hand-written endpoint: ${(error as Error).message}\n`);
    answer(response, 500, { error: (error as Error).message });
  }
}

const server = createServer((request, response) => void handle(request, response));
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send!({ type: 'ready', port: (server.address() as AddressInfo).port } satisfies RawIngestMessage));

process.once('SIGTERM', () => {
  server.close();
  void Promise.all([pool.end(), queue.close()]).then(() => process.exit(0));
});
