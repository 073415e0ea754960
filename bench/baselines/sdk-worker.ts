/**
 * The provider-bound baselines: a plain BullMQ Worker that sends each job's SMS through the official Twilio SDK to
 * the fake, in its own process as Herald's worker runs in its own. Two modes:
 * - `sdk-ceiling`: the SDK call and nothing else (the job carries the recipient): the ceiling for anything that sends
 *   through the SDK as it ships (its axios transport);
 * - `herald-channel`: the same, through Herald's own SMS channel (the SDK over undici's pool): the ceiling for
 *   Herald's send path, context for what the transport is worth;
 * - `naive-peer`: the processor as the usual NestJS + BullMQ tutorial writes it: read the notification row with `pg`,
 *   make the SDK call, then one UPDATE of its status and provider id. None of Herald's guarantees.
 * - `bare-transport`: no SDK and no database: the same form (To, From, Body, StatusCallback) posted to the Messages
 *   resource over undici's connection pool, the message sid read from the answer: the least a worker can do to send.
 * Says `ready` once its worker is connected.
 */
import { Job, Worker } from 'bullmq';
import { Pool } from 'pg';
import twilio from 'twilio';
import { Pool as HttpPool } from 'undici';
import type { RequestOptions } from 'twilio/lib/base/RequestClient';
import { TwilioSmsChannel } from '../../libs/channels/src/twilio-sms.channel';
import { redisUrlOptions } from '../../libs/redis/src/redis-clients';

export interface SdkWorkerConfig {
  mode: 'sdk-ceiling' | 'herald-channel' | 'naive-peer' | 'bare-transport';
  redisUrl: string;
  prefix: string;
  queue: string;
  concurrency: number;
  twilio: { url: string; accountSid: string; authToken: string; from: string };
  /** naive-peer only. */
  databaseUrl?: string;
  poolSize?: number;
}

export type SdkWorkerMessage = { type: 'ready' };

const STATUS_CALLBACK = 'http://127.0.0.1:9/twilio/status';

const config: SdkWorkerConfig = JSON.parse(process.argv[2]);

/** The SDK's own HTTP client, pointed at the fake instead of api.twilio.com. */
class FakeOriginClient extends twilio.RequestClient {
  private readonly origin = new URL(config.twilio.url);

  override request<TData>(opts: RequestOptions<TData>) {
    const uri = new URL(opts.uri);
    uri.protocol = this.origin.protocol;
    uri.host = this.origin.host;
    return super.request<TData>({ ...opts, uri: uri.toString() });
  }
}

const client = twilio(config.twilio.accountSid, config.twilio.authToken, { httpClient: new FakeOriginClient({ keepAlive: true }) });
const PROVIDER_TIMEOUT_MS = 10_000;
const channel =
  config.mode === 'herald-channel'
    ? new TwilioSmsChannel(
        { accountSid: config.twilio.accountSid, authToken: config.twilio.authToken, from: config.twilio.from, apiUrl: config.twilio.url, sdkTransport: false },
        STATUS_CALLBACK,
        PROVIDER_TIMEOUT_MS,
        config.concurrency,
      )
    : null;
const http = config.mode === 'bare-transport' ? new HttpPool(config.twilio.url, { connections: config.concurrency }) : null;
const messagesPath = `/2010-04-01/Accounts/${config.twilio.accountSid}/Messages.json`;
const authorization = `Basic ${Buffer.from(`${config.twilio.accountSid}:${config.twilio.authToken}`).toString('base64')}`;
const pool = config.mode === 'naive-peer' ? new Pool({ connectionString: config.databaseUrl, max: config.poolSize }) : null;

async function sendOnly(job: Job<{ to: string; body: string }>): Promise<string> {
  const message = await client.messages.create({ to: job.data.to, from: config.twilio.from, body: job.data.body, statusCallback: STATUS_CALLBACK });
  return message.sid;
}

async function sendThroughChannel(job: Job<{ to: string; body: string }>): Promise<string> {
  const receipt = await channel!.send({ notificationId: job.id!, to: job.data.to, body: job.data.body });
  return receipt.providerMessageId;
}

async function postForm(job: Job<{ to: string; body: string }>): Promise<string> {
  const form = new URLSearchParams({ To: job.data.to, From: config.twilio.from, Body: job.data.body, StatusCallback: STATUS_CALLBACK });
  const answer = await http!.request({
    path: messagesPath,
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  const message = (await answer.body.json()) as { sid?: string; message?: string };
  if (answer.statusCode >= 400 || !message.sid) throw new Error(`Twilio answered HTTP ${answer.statusCode}: ${message.message ?? ''}`);
  return message.sid;
}

async function readSendUpdate(job: Job<{ notificationId: string }>): Promise<void> {
  const { rows } = await pool!.query('SELECT * FROM notifications WHERE id = $1', [job.data.notificationId]);
  const notification = rows[0];
  if (!notification || notification.status !== 'queued') return;
  const message = await client.messages.create({ to: notification.recipient, from: config.twilio.from, body: notification.body, statusCallback: STATUS_CALLBACK });
  await pool!.query(`UPDATE notifications SET status = 'sent', provider = 'twilio', provider_message_id = $2, sent_at = now(), updated_at = now() WHERE id = $1`, [
    notification.id,
    message.sid,
  ]);
}

const processors: Record<SdkWorkerConfig['mode'], (job: Job) => Promise<unknown>> = {
  'sdk-ceiling': sendOnly,
  'herald-channel': sendThroughChannel,
  'naive-peer': readSendUpdate,
  'bare-transport': postForm,
};
const processor = processors[config.mode];
const worker = new Worker(config.queue, processor, {
  connection: redisUrlOptions(config.redisUrl),
  prefix: config.prefix,
  concurrency: config.concurrency,
});

process.once('SIGTERM', () => {
  void worker
    .close()
    .then(() => Promise.all([pool?.end(), http?.close()]))
    .then(() => process.exit(0));
});

void worker.waitUntilReady().then(() => process.send!({ type: 'ready' } satisfies SdkWorkerMessage));
