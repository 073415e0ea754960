import { FakeSendGrid } from '../fakes/sendgrid.fake';
import { FakeSlack } from '../fakes/slack.fake';
import { FakeTwilio } from '../fakes/twilio.fake';
import { FakeVonage } from '../fakes/vonage.fake';
import { HeraldClient } from './herald-client';
import { HeraldProcess, startApi, startWorker } from './herald-process';
import { HeraldEnv, TestEnvironment } from './test-environment';

export const TWILIO_FROM = '+15005550006';
export const SENDGRID_FROM = 'orders@herald.test';
export const VONAGE_FROM = '+447700900001';

export interface HeraldStack {
  environment: TestEnvironment;
  twilio: FakeTwilio;
  /** Configured, but carries traffic only where SMS_PROVIDERS names it. */
  vonage: FakeVonage;
  sendgrid: FakeSendGrid;
  slack: FakeSlack;
  api: HeraldProcess;
  apiUrl: string;
  workers: HeraldProcess[];
  client: HeraldClient;
  addWorker(): Promise<HeraldProcess>;
  stop(): Promise<void>;
}

/**
 * Herald as production runs it: an API process and `workers` worker processes over real Postgres and Redis, with
 * Twilio, Vonage, SendGrid and Slack replaced by local servers that speak their wire formats (the real SDKs run).
 */
export async function startStack(options: { workers?: number; env?: HeraldEnv } = {}): Promise<HeraldStack> {
  const [twilio, vonage, sendgrid, slack] = await Promise.all([FakeTwilio.start(), FakeVonage.start(), FakeSendGrid.start(), FakeSlack.start()]);
  const environment = await TestEnvironment.create({
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_FROM,
    TWILIO_API_URL: twilio.url,
    ...vonage.heraldEnv(VONAGE_FROM),
    SENDGRID_API_KEY: sendgrid.apiKey,
    SENDGRID_FROM,
    SENDGRID_API_URL: sendgrid.url,
    SLACK_WEBHOOK_URL: slack.url,
    ...options.env,
  });
  const closeFakes = () => Promise.all([twilio.close(), vonage.close(), sendgrid.close(), slack.close()]);
  const started: HeraldProcess[] = [];
  let api: HeraldProcess;
  let url: string;
  let workerEnv: HeraldEnv;
  let workers: HeraldProcess[];
  try {
    ({ process: api, url } = await startApi(environment.env));
    started.push(api);
    // Workers build Twilio's StatusCallback from PUBLIC_URL: it must name this API, as it does in production.
    workerEnv = { PUBLIC_URL: url, ...environment.env };
    workers = await Promise.all(Array.from({ length: options.workers ?? 1 }, () => startWorker(workerEnv).then((w) => (started.push(w), w))));
  } catch (error) {
    await Promise.all(started.map((p) => p.kill()));
    await closeFakes();
    await environment.destroy();
    throw error;
  }
  return {
    environment,
    twilio,
    vonage,
    sendgrid,
    slack,
    api,
    apiUrl: url,
    workers,
    client: new HeraldClient(url),
    async addWorker() {
      const worker = await startWorker(workerEnv);
      workers.push(worker);
      return worker;
    },
    async stop() {
      await Promise.all([api, ...workers].map((p) => p.kill()));
      await closeFakes();
      await environment.destroy();
    },
  };
}
