import { JobsOptions } from 'bullmq';
import Redis from 'ioredis';
import { CRITICAL_QUEUE } from '../../libs/queues/src/queue-names';
import { FakeVonage } from '../../test/fakes/vonage.fake';
import { VONAGE_FROM } from '../../test/support/herald-stack';
import { HeraldEnv } from '../../test/support/test-environment';
import { BenchStack, startBenchStack } from './bench-stack';
import { CpuMeter, CpuUse } from './cpu-meter';
import { BenchOptions } from './measurement';
import { openQueue } from './queues';
import { addSendJobs, insertDueSms, phoneNumber } from './seed';
import { sleep, waitUntil } from './wait';

/** How often the harness looks at the routers' record of Twilio's breaker during an outage drain. */
const BREAKER_POLL_MS = 20;
/**
 * The sends already on their way to Twilio when its breaker opened (up to the worker's concurrency) reach the fake,
 * which the bench process serves, after the opening when the machine is busy: calls from then on are counted from
 * this long after it.
 */
export const IN_FLIGHT_GRACE_MS = 1000;

export interface FailoverStack extends BenchStack {
  vonage: FakeVonage;
  /** The SMS routers' shared health record of `provider` in Redis (see SmsProviderHealth). */
  healthKey(provider: 'twilio' | 'vonage'): string;
}

/** What took Twilio down for a drain: nothing, an HTTP 500 to every send, or no answer to any send. */
export type TwilioOutage = 'none' | 'http-500' | 'no-answer';

export interface FailoverDrain {
  count: number;
  outage: TwilioOutage;
  /** From the release of the queue to the last `sent` in Postgres. */
  elapsedMs: number;
  perSecond: number;
  cpu: CpuUse;
  /** Notifications of this drain `sent` in Postgres with an accepted call at a provider. */
  sent: number;
  /** Notifications of this drain not sent (not `sent` in Postgres, or accepted by no provider) when the drain ended. */
  lost: number;
  /** Notifications of this drain accepted more than once in total across both fakes (at one or at both). */
  duplicates: number;
  /** Of those, accepted by both providers. */
  atBothProviders: number;
  /** Accepted calls per provider. */
  accepted: { twilio: number; vonage: number };
  /** Every call the Twilio fake received during the drain, accepted or not. */
  twilioCalls: number;
  /** Lookups of Twilio's message list (asking whether a send that went unanswered was taken). */
  twilioLookups: number;
  /** Outage drains: ms from the release of the queue to Twilio's breaker opening (null if it never opened). */
  breakerOpenedAfterMs: number | null;
  /** Outage drains: calls the Twilio fake received from IN_FLIGHT_GRACE_MS after its breaker opened (probes, and nothing else). */
  twilioCallsOnceOpen: number;
  /** Outage drains: ms from the breaker opening to the last `sent`. */
  openMs: number;
}

/**
 * startBenchStack with the Vonage fake beside the Twilio one and both configured, routed by `env`'s SMS_PROVIDERS.
 * The Vonage fake is closed with the stack.
 */
export async function startFailoverStack(options: BenchOptions, scenario: string, env: HeraldEnv, workers: number): Promise<FailoverStack> {
  const vonage = await FakeVonage.start();
  try {
    const stack = await startBenchStack(
      options,
      scenario,
      { ...vonage.heraldEnv(VONAGE_FROM), ...env },
      workers,
    );
    const stop = stack.stop.bind(stack);
    const prefix = stack.environment.env.QUEUE_PREFIX;
    return Object.assign(stack, {
      vonage,
      healthKey: (provider: string) => `{${prefix}:sms-health}:${provider}`,
      async stop() {
        await stop();
        await vonage.close();
      },
    });
  } catch (error) {
    await vonage.close();
    throw error;
  }
}

/**
 * Forgets both providers' health (breaker closed, whole weight), as on a deployment that has seen no failure: each
 * drain then starts from the same resting state, whatever the drain before it did to Twilio's breaker.
 */
export async function resetProviderHealth(stack: FailoverStack): Promise<void> {
  const redis = new Redis(stack.environment.env.REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    await redis.del(stack.healthKey('twilio'), stack.healthKey('vonage'));
  } finally {
    redis.disconnect();
  }
}

/**
 * `count` due SMS (recipients numbered from `firstPhone`, apart from any other drain's) seeded while the critical
 * queue is paused, then released to the stack's running workers with Twilio `outage` for the whole drain, and timed
 * to the last `sent` in Postgres. Each notification's accepted calls are counted at both fakes by recipient (each
 * is unique), so a message sent at both providers, or twice at one, shows. Twilio recovers when the drain is over.
 */
export async function failoverDrain(
  stack: FailoverStack,
  jobOptions: JobsOptions,
  count: number,
  firstPhone: number,
  outage: TwilioOutage,
): Promise<FailoverDrain> {
  const { environment, twilio, vonage } = stack;
  const queue = openQueue(environment.env, CRITICAL_QUEUE);
  const redis = new Redis(environment.env.REDIS_URL, { maxRetriesPerRequest: 1 });
  const calls = { twilio: twilio.calls.length, vonage: vonage.calls.length, lookups: twilio.listCalls.length };
  const recipients = { first: phoneNumber(firstPhone), last: phoneNumber(firstPhone + count - 1) };
  let watching = true;
  let openedAt: number | null = null;
  try {
    await queue.pause();
    const seeded = await insertDueSms(environment, stack.merchant.merchantId, count, firstPhone);
    await addSendJobs(queue, seeded, jobOptions);
    if (outage === 'http-500') twilio.failAlways({ status: 500, code: 20500, message: 'Internal Server Error' });
    // Sends go unanswered; the message list still answers, so a send that timed out can be looked up and moved.
    if (outage === 'no-answer') twilio.failAlways({ status: 0, hang: true });

    const cpu = await CpuMeter.start({
      processes: { worker: stack.workers.map((w) => w.child.pid!), api: [stack.api.child.pid!], 'fakes + harness': [process.pid] },
      databaseUrl: environment.env.DATABASE_URL,
      redisUrl: environment.env.REDIS_URL,
    });
    const startedAt = Date.now();
    const watch = (async () => {
      while (watching && openedAt === null) {
        const opened = Number((await redis.hget(stack.healthKey('twilio'), 'openedAt')) ?? 0);
        if (opened >= startedAt) openedAt = opened;
        else await sleep(BREAKER_POLL_MS);
      }
    })().catch(() => undefined);
    await queue.resume();

    // Counted as the logs grow (each call looked at once): the bench process also serves both fakes.
    const seen = { twilio: calls.twilio, vonage: calls.vonage, accepted: 0 };
    const acceptedNow = () => {
      for (; seen.twilio < twilio.calls.length; seen.twilio++) if (twilio.calls[seen.twilio].status === 201) seen.accepted++;
      for (; seen.vonage < vonage.calls.length; seen.vonage++) if (vonage.calls[seen.vonage].status === '0') seen.accepted++;
      return seen.accepted;
    };
    const timeoutMs = 30_000 + count * 10;
    // In-process first (the fakes' logs), so the harness does not load Postgres while the drain runs.
    await waitUntil(`${count} accepted provider calls`, () => acceptedNow() >= count, timeoutMs, 20).catch(() => undefined);
    let finished = { done: 0, sent: 0, last: startedAt };
    await waitUntil(
      `the ${count} notifications to leave queued and sending`,
      async () => {
        const [row] = await environment.query<{ done: string; sent: string; last: string | null }>(
          `SELECT count(*) FILTER (WHERE status NOT IN ('queued', 'sending')) AS done, count(*) FILTER (WHERE status = 'sent') AS sent,
                  round(extract(epoch FROM max(updated_at) FILTER (WHERE status = 'sent')) * 1000) AS last
           FROM notifications WHERE recipient BETWEEN $1 AND $2`,
          [recipients.first, recipients.last],
        );
        finished = { done: Number(row.done), sent: Number(row.sent), last: Number(row.last ?? startedAt) };
        return finished.done === count;
      },
      timeoutMs,
    ).catch(() => undefined);
    const used = await cpu.stop();
    watching = false;
    await watch;
    twilio.recover();

    const inDrain = (phone: string) => phone >= recipients.first && phone <= recipients.last;
    const acceptedBy = new Map<string, { twilio: number; vonage: number }>();
    const tally = (phone: string, provider: 'twilio' | 'vonage') => {
      if (!inDrain(phone)) return;
      const entry = acceptedBy.get(phone) ?? { twilio: 0, vonage: 0 };
      entry[provider] += 1;
      acceptedBy.set(phone, entry);
    };
    const twilioCalls = twilio.calls.slice(calls.twilio);
    for (const call of twilioCalls) if (call.status === 201) tally(call.to, 'twilio');
    // Vonage takes numbers without their `+`.
    for (const call of vonage.calls.slice(calls.vonage)) if (call.status === '0') tally(`+${call.to}`, 'vonage');
    const entries = [...acceptedBy.values()];
    const elapsedMs = finished.last - startedAt;
    return {
      count,
      outage,
      elapsedMs,
      perSecond: (count * 1000) / elapsedMs,
      cpu: used,
      sent: Math.min(finished.sent, acceptedBy.size),
      lost: count - Math.min(finished.sent, acceptedBy.size),
      duplicates: entries.filter((e) => e.twilio + e.vonage > 1).length,
      atBothProviders: entries.filter((e) => e.twilio > 0 && e.vonage > 0).length,
      accepted: { twilio: entries.reduce((sum, e) => sum + e.twilio, 0), vonage: entries.reduce((sum, e) => sum + e.vonage, 0) },
      twilioCalls: twilioCalls.length,
      twilioLookups: twilio.listCalls.length - calls.lookups,
      breakerOpenedAfterMs: openedAt === null ? null : openedAt - startedAt,
      twilioCallsOnceOpen: openedAt === null ? 0 : twilioCalls.filter((call) => call.at >= openedAt! + IN_FLIGHT_GRACE_MS).length,
      openMs: openedAt === null ? 0 : finished.last - openedAt,
    };
  } finally {
    watching = false;
    twilio.recover();
    redis.disconnect();
    await queue.close();
  }
}
