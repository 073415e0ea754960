import { BULK_QUEUE } from '../../libs/queues/src/queue-names';
import { makeOrder } from '../../test/support/herald-client';
import { BenchStack, startBenchStack } from '../support/bench-stack';
import { count, latencies, ms, ratio } from '../support/format';
import { Scenario } from '../support/measurement';
import { learnSendJobOptions, openQueue } from '../support/queues';
import { addSendJobs, insertNotifications, phoneNumber } from '../support/seed';
import { distribution } from '../support/stats';
import { sleep, waitUntil } from '../support/wait';

const GOAL_P99_MS = 300;
const SAMPLE_EVERY_MS = 50;
const BULK_FIRST_PHONE = 10_000_000;
const IDLE_FIRST_PHONE = 70_000_000;
const BACKLOG_FIRST_PHONE = 80_000_000;

/**
 * Critical latency, from sending POST /v1/orders to the confirmation's provider call, while a bulk backlog drains
 * through the same worker. The baseline is the same measurement with the bulk queue idle: raw BullMQ has no
 * equivalent (a no-op bulk backlog drains before it can get in the way).
 */
export const isolation: Scenario = {
  name: 'isolation',
  async run(options) {
    const size = options.quick ? { bulk: 2_000, idle: 20, backlog: 40 } : { bulk: 20_000, idle: 50, backlog: 200 };
    const stack = await startBenchStack(options, 'isolation', {}, 1);
    const bulkQueue = openQueue(stack.environment.env, BULK_QUEUE);
    try {
      const jobOptions = await learnSendJobOptions(stack.merchant, stack.environment.env, BULK_QUEUE);
      const idle = distribution(await sampleCritical(stack, size.idle, IDLE_FIRST_PHONE, () => true));

      await bulkQueue.pause();
      const bulk = await insertNotifications(stack.environment, {
        merchantId: stack.merchant.merchantId,
        count: size.bulk,
        priority: BULK_QUEUE,
        status: 'queued',
        firstDueAt: Date.now(),
        spacingMs: 0,
        firstPhone: BULK_FIRST_PHONE,
      });
      await addSendJobs(bulkQueue, bulk, jobOptions);
      const bulkPhones = new Set(bulk.map((n) => n.recipient));
      const bulkSent = () => stack.twilio.calls.filter((call) => bulkPhones.has(call.to)).length;
      await bulkQueue.resume();
      const underBacklog = distribution(await sampleCritical(stack, size.backlog, BACKLOG_FIRST_PHONE, () => bulkSent() < size.bulk));
      const bulkLeft = size.bulk - bulkSent();
      return [
        {
          scenario: 'isolation',
          metric: `critical p99 while ${count(size.bulk)} bulk drain`,
          herald: ms(underBacklog.p99),
          baseline: `${ms(idle.p99)} (bulk idle)`,
          ratio: ratio(underBacklog.p99, idle.p99),
          goal: `p99 ≤ ${GOAL_P99_MS} ms`,
          met: underBacklog.p99 <= GOAL_P99_MS,
          details: [
            `under the bulk backlog: ${latencies(underBacklog)} over ${count(underBacklog.count)} orders, one every ${SAMPLE_EVERY_MS} ms; ` +
              `${count(bulkLeft)} bulk SMS still unsent when the last confirmation went out`,
            `bulk idle (the baseline): ${latencies(idle)} over ${count(idle.count)} orders`,
          ],
        },
      ];
    } finally {
      await bulkQueue.close();
      await stack.stop();
    }
  },
};

/**
 * Sends up to `samples` orders, one every SAMPLE_EVERY_MS while `keepGoing()` holds, each for a new phone, and
 * returns for each the time from sending the request to the fake receiving its confirmation.
 */
export async function sampleCritical(stack: BenchStack, samples: number, firstPhone: number, keepGoing: () => boolean): Promise<number[]> {
  const requestedAt = new Map<string, number>();
  const requests: Promise<void>[] = [];
  for (let i = 0; i < samples && keepGoing(); i += 1) {
    const phone = phoneNumber(firstPhone + i);
    requestedAt.set(phone, Date.now());
    requests.push(
      stack.merchant.request('POST', '/v1/orders', makeOrder({ customer: { phone } })).then((response) => {
        if (response.status !== 201) throw new Error(`POST /v1/orders answered ${response.status}: ${JSON.stringify(response.body)}`);
      }),
    );
    await sleep(SAMPLE_EVERY_MS);
  }
  await Promise.all(requests);
  const confirmations = () => stack.twilio.calls.filter((call) => requestedAt.has(call.to));
  await waitUntil(`${requestedAt.size} confirmations to reach the provider`, () => confirmations().length >= requestedAt.size, 30_000);
  return confirmations().map((call) => call.at - requestedAt.get(call.to)!);
}
