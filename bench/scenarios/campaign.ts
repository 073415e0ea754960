import { count, latencies, ms, perSecond, ratio, seconds } from '../support/format';
import { startBenchStack } from '../support/bench-stack';
import { Scenario } from '../support/measurement';
import { distribution } from '../support/stats';
import { waitUntil } from '../support/wait';
import { sampleCritical } from './isolation';

const RATE = 100;
const GOAL_P99_MS = 300;
const CUSTOMER_FIRST_PHONE = 20_000_000;
const IDLE_FIRST_PHONE = 71_000_000;
const DURING_FIRST_PHONE = 81_000_000;
const BODY = 'Closed on Monday, see you on Tuesday!';

/** The most calls within any one second. */
function busiestSecond(sortedTimes: number[]): number {
  let most = 0;
  for (let first = 0, last = 0; first < sortedTimes.length; first += 1) {
    while (last < sortedTimes.length && sortedTimes[last] < sortedTimes[first] + 1000) last += 1;
    most = Math.max(most, last - first);
  }
  return most;
}

/**
 * A campaign to every customer of a merchant (SMS), throttled at CAMPAIGN_RATE_SMS, from POST /v1/campaigns to the
 * fake's last receipt: the drain rate against the limit, and the confirmations' latency while it drains against the
 * same measurement with nothing else running.
 */
export const campaign: Scenario = {
  name: 'campaign',
  async run(options) {
    const size = options.quick ? { customers: 500, idle: 20, during: 40 } : { customers: 10_000, idle: 50, during: 200 };
    const stack = await startBenchStack(options, 'campaign', { CAMPAIGN_RATE_SMS: String(RATE) }, 1);
    try {
      await stack.environment.query(
        `INSERT INTO customers (id, merchant_id, name, phone, locale)
         SELECT gen_random_uuid(), $1, 'Customer ' || i, '+336' || lpad(($2 + i)::text, 8, '0'), 'en' FROM generate_series(1, $3) AS i`,
        [stack.merchant.merchantId, CUSTOMER_FIRST_PHONE, size.customers],
      );
      const idle = distribution(await sampleCritical(stack, size.idle, IDLE_FIRST_PHONE, () => true));

      const campaignCalls = () => stack.twilio.calls.filter((call) => call.body === BODY && call.status === 201);
      const posted = Date.now();
      const created = await stack.merchant.request('POST', '/v1/campaigns', { name: 'Closed Monday', body: BODY, audience: { all: true } });
      if (created.status !== 202) throw new Error(`POST /v1/campaigns answered ${created.status}: ${JSON.stringify(created.body)}`);
      const answeredMs = Date.now() - posted;
      let fannedOutMs = Number.NaN;
      await waitUntil('the campaign to be fanned out', async () => {
        const { body } = await stack.merchant.request('GET', `/v1/campaigns/${created.body.id}`);
        if (body.status !== 'preparing') fannedOutMs = Date.now() - posted;
        return body.status !== 'preparing';
      }, 120_000, 200);
      const during = distribution(await sampleCritical(stack, size.during, DURING_FIRST_PHONE, () => campaignCalls().length < size.customers * 0.9));
      await waitUntil(`${size.customers} campaign SMS to reach the provider`, () => campaignCalls().length >= size.customers, (size.customers / RATE) * 2000 + 60_000, 200);

      const times = campaignCalls().map((call) => call.at).sort((a, b) => a - b);
      const drainMs = times[times.length - 1] - times[0];
      const rate = ((times.length - 1) * 1000) / drainMs;
      const busiest = busiestSecond(times);
      return [
        {
          scenario: 'campaign',
          metric: `drain of ${count(size.customers)} campaign SMS at a ${perSecond(RATE)} limit`,
          herald: `${rate.toFixed(1)}/s`,
          baseline: `${perSecond(RATE)} (the limit)`,
          ratio: ratio(rate, RATE),
          goal: `≤ limit, ≥ 0.9× limit`,
          met: rate <= RATE * 1.02 && rate >= RATE * 0.9,
          details: [
            `from the first to the last SMS at the fake: ${seconds(drainMs)}; busiest second ${count(busiest)} SMS; ` +
              `POST /v1/campaigns answered in ${ms(answeredMs)}, fan-out done ${seconds(fannedOutMs)} after it`,
          ],
        },
        {
          scenario: 'campaign',
          metric: 'critical p99 during the campaign',
          herald: ms(during.p99),
          baseline: `${ms(idle.p99)} (idle)`,
          ratio: ratio(during.p99, idle.p99),
          goal: `p99 ≤ ${GOAL_P99_MS} ms`,
          met: during.p99 <= GOAL_P99_MS,
          details: [
            `during the campaign: ${latencies(during)} over ${count(during.count)} orders (POST /v1/orders to the confirmation at the fake)`,
            `idle (the baseline): ${latencies(idle)} over ${count(idle.count)} orders`,
          ],
        },
      ];
    } finally {
      await stack.stop();
    }
  },
};
