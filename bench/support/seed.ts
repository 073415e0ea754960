import { JobsOptions, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { apiKeyPrefix, generateApiKey, hashApiKey } from '../../libs/merchants/src/api-key';
import { SEND_NOTIFICATION_JOB, sendJobId, SendQueueName } from '../../libs/queues/src/queue-names';
import { TestEnvironment } from '../../test/support/test-environment';

const CHUNK = 1000;

/** A month out: pending work that will not fall due while a benchmark runs. */
export const FAR_FUTURE_MS = 30 * 24 * 3600_000;

/** A typical rendered SMS, so rows weigh what real ones do. */
export const SMS_BODY = 'Boulangerie Lune: your order is ready for pickup tomorrow at 10:30, 12 rue des Lilas. Reply STOP to opt out.';

/** What a benchmark needs back from a seeded notification: its id, its unique recipient and when it is due. */
export interface SeededNotification {
  id: string;
  recipient: string;
  dueAt: number;
}

export interface NotificationBatch {
  merchantId: string;
  count: number;
  priority: SendQueueName;
  /** `queued` ones are due now; `scheduled` ones wait for their time. */
  status: 'queued' | 'scheduled';
  firstDueAt: number;
  /** Due times step by this much from one notification to the next. */
  spacingMs: number;
  /** Recipients are +336 followed by eight digits counted from here, so each one is unique. */
  firstPhone: number;
}

/** The +336 mobile number numbered `n` (eight digits), valid for the API and unique per benchmark recipient. */
export const phoneNumber = (n: number) => `+336${String(n).padStart(8, '0')}`;

/**
 * Seeds `batch` straight into Postgres with one INSERT ... SELECT generate_series (each notification with its first
 * history event, as NotificationRepository.insert writes them): a hundred thousand notifications through HTTP would
 * measure the API, not the scenario.
 */
export async function insertNotifications(environment: TestEnvironment, batch: NotificationBatch): Promise<SeededNotification[]> {
  const rows = await environment.query<{ id: string; recipient: string; dueAt: string }>(
    `WITH inserted AS (
       INSERT INTO notifications (id, merchant_id, kind, channel, priority, recipient, locale, body, status, scheduled_for)
       SELECT gen_random_uuid(), $1, 'message', 'sms', $2, '+336' || lpad(($3::int + i)::text, 8, '0'), 'en', $4, $5,
              to_timestamp(($6::float8 + i * $7::float8) / 1000)
       FROM generate_series(0, $8::int - 1) AS i
       RETURNING id, merchant_id, recipient, status, scheduled_for
     ), events AS (
       INSERT INTO notification_events (notification_id, merchant_id, status) SELECT id, merchant_id, status FROM inserted
     )
     SELECT id, recipient, round(extract(epoch FROM scheduled_for) * 1000) AS "dueAt" FROM inserted ORDER BY scheduled_for`,
    [batch.merchantId, batch.priority, batch.firstPhone, SMS_BODY, batch.status, batch.firstDueAt, batch.spacingMs, batch.count],
  );
  return rows.map((row) => ({ id: row.id, recipient: row.recipient, dueAt: Number(row.dueAt) }));
}

/** Herald's own job for each notification: the name, data, deterministic id and delay NotificationJobs gives it. */
export function addSendJobs(queue: Queue, notifications: SeededNotification[], options: JobsOptions): Promise<void> {
  return addInChunks(queue, notifications, (n, now) => ({
    name: SEND_NOTIFICATION_JOB,
    data: { notificationId: n.id },
    opts: { ...options, jobId: sendJobId(n.id), delay: Math.max(0, n.dueAt - now) },
  }));
}

/** Adds jobs with Queue.addBulk, CHUNK at a time; delays are computed per chunk, just before it is sent. */
export async function addInChunks<T>(
  queue: Queue,
  items: T[],
  toJob: (item: T, now: number) => { name: string; data: unknown; opts: JobsOptions },
): Promise<void> {
  for (let start = 0; start < items.length; start += CHUNK) {
    const now = Date.now();
    await queue.addBulk(items.slice(start, start + CHUNK).map((item) => toJob(item, now)));
  }
}

/** `count` critical SMS of one merchant, queued and due now (jobs not added): what a drain releases at once. */
export function insertDueSms(environment: TestEnvironment, merchantId: string, count: number, firstPhone = 10_000_000): Promise<SeededNotification[]> {
  return insertNotifications(environment, { merchantId, count, priority: 'critical', status: 'queued', firstDueAt: Date.now(), spacingMs: 0, firstPhone });
}

/**
 * `count` critical sends due a month from now, one second apart, in Postgres and with their jobs in Redis: the
 * pending work a busy deployment holds. `jobOptions` are Herald's (see learnSendJobOptions).
 */
export async function seedPendingWork(
  environment: TestEnvironment,
  queue: Queue,
  merchantId: string,
  count: number,
  jobOptions: JobsOptions,
): Promise<SeededNotification[]> {
  const seeded = await insertNotifications(environment, {
    merchantId,
    count,
    priority: 'critical',
    status: 'scheduled',
    firstDueAt: Date.now() + FAR_FUTURE_MS,
    spacingMs: 1000,
    firstPhone: 10_000_000,
  });
  await addSendJobs(queue, seeded, jobOptions);
  return seeded;
}

/**
 * `count` merchants written straight into Postgres, each with a fresh API key (stored hashed, as the admin API does):
 * the admin API allows 60 requests a minute, too few to set up a hundred tenants.
 */
export async function insertMerchants(environment: TestEnvironment, count: number): Promise<{ merchantId: string; apiKey: string }[]> {
  const merchants = Array.from({ length: count }, (_, i) => ({ merchantId: randomUUID(), apiKey: generateApiKey(), name: `Bench shop ${i + 1}` }));
  await environment.query(
    `WITH t AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS t(id, name, hash, prefix)),
     shops AS (INSERT INTO merchants (id, name, timezone, default_reminder_before) SELECT id, name, 'Europe/Paris', 'P1D' FROM t)
     INSERT INTO api_keys (id, merchant_id, name, scope, key_hash, key_prefix) SELECT gen_random_uuid(), id, 'initial', 'full', hash, prefix FROM t`,
    [merchants.map((m) => m.merchantId), merchants.map((m) => m.name), merchants.map((m) => hashApiKey(m.apiKey)), merchants.map((m) => apiKeyPrefix(m.apiKey))],
  );
  return merchants.map(({ merchantId, apiKey }) => ({ merchantId, apiKey }));
}
