import { cpuPerItem } from '../support/cpu-meter';
import { FailoverDrain, failoverDrain, IN_FLIGHT_GRACE_MS, resetProviderHealth, startFailoverStack, TwilioOutage } from '../support/failover';
import { count, perSecond, ratio, seconds } from '../support/format';
import { Measurement, Scenario } from '../support/measurement';
import { learnSendJobOptions } from '../support/queues';
import { CRITICAL_QUEUE } from '../../libs/queues/src/queue-names';

const GOAL_RATIO = 0.8;
/** Herald's defaults, set explicitly because the checks below depend on them. */
const BREAKER = { failures: 5, cooldownMs: 30_000, slowCallMs: 2_000, providerTimeoutMs: 10_000 };
/** Each drain's recipients are numbered apart from the others'. */
const FIRST_PHONE = { warmUp: 9_000_000, healthy: 10_000_000, 'http-500': 11_000_000, healthyBetween: 12_000_000, 'no-answer': 13_000_000, healthyAgain: 14_000_000 };

/**
 * SMS throughput while one of two providers is down, over the same with both healthy: one stack with the Twilio and
 * Vonage fakes routed 50/50, one worker, and in the same run five drains of N due SMS each, after a warm-up drain: both
 * providers healthy, Twilio answering every send with HTTP 500, both healthy, Twilio leaving every send unanswered (its
 * message list still answers, so a send that timed out can be looked up and moved), both healthy. Each outage's
 * baseline is the mean of the two healthy drains around it: the machine and the growing database drift between drains
 * (a healthy drain after both outages once ran at half the first one's rate). Even weights: each provider carries half the
 * traffic, so an outage moves half of it whichever provider fails, and the healthy drain exercises both SDK paths
 * equally. Each drain starts from both providers' resting health, and checks every message was sent once in total
 * across both fakes.
 */
export const failover: Scenario = {
  name: 'failover',
  async run(options) {
    const size = options.quick ? 2_000 : 20_000;
    const stack = await startFailoverStack(
      options,
      'failover',
      {
        SMS_PROVIDERS: 'twilio:50,vonage:50',
        SMS_BREAKER_FAILURES: String(BREAKER.failures),
        SMS_BREAKER_COOLDOWN: `PT${BREAKER.cooldownMs / 1000}S`,
        SMS_BREAKER_SLOW_CALL: `PT${BREAKER.slowCallMs / 1000}S`,
        PROVIDER_TIMEOUT_MS: String(BREAKER.providerTimeoutMs),
      },
      1,
    );
    try {
      const jobOptions = await learnSendJobOptions(stack.merchant, stack.environment.env, CRITICAL_QUEUE);
      // Not measured: the worker's first sends (JIT, connection pools) would otherwise count against the healthy drain only.
      const warmUp = await failoverDrain(stack, jobOptions, size / 4, FIRST_PHONE.warmUp, 'none');
      const drain = async (firstPhone: number, outage: TwilioOutage) => {
        await resetProviderHealth(stack);
        return failoverDrain(stack, jobOptions, size, firstPhone, outage);
      };
      // A healthy drain before, between and after the outages: each runs on a database the ones before it have grown, on a shared machine.
      const healthy = await drain(FIRST_PHONE.healthy, 'none');
      const down500 = await drain(FIRST_PHONE['http-500'], 'http-500');
      const healthyBetween = await drain(FIRST_PHONE.healthyBetween, 'none');
      const silent = await drain(FIRST_PHONE['no-answer'], 'no-answer');
      const healthyAgain = await drain(FIRST_PHONE.healthyAgain, 'none');
      return rows(size, { warmUp, healthy, down500, healthyBetween, silent, healthyAgain });
    } finally {
      await stack.stop();
    }
  },
};

interface Drains {
  warmUp: FailoverDrain;
  healthy: FailoverDrain;
  down500: FailoverDrain;
  healthyBetween: FailoverDrain;
  silent: FailoverDrain;
  healthyAgain: FailoverDrain;
}

function rows(size: number, { warmUp, healthy, down500, healthyBetween, silent, healthyAgain }: Drains): Measurement[] {
  const metric = `${count(size)} SMS, 1 worker, twilio:50,vonage:50`;
  const describe = (d: FailoverDrain) =>
    `last \`sent\` after ${seconds(d.elapsedMs)}; accepted at Twilio ${count(d.accepted.twilio)}, at Vonage ${count(d.accepted.vonage)}; ` +
    `${count(d.twilioCalls)} calls to Twilio, ${count(d.twilioLookups)} lookups of its message list` +
    (d.outage === 'none'
      ? ''
      : d.breakerOpenedAfterMs === null
        ? '; Twilio’s breaker never opened'
        : `; Twilio’s breaker opened ${seconds(d.breakerOpenedAfterMs)} after the release, then ${d.twilioCallsOnceOpen} calls to Twilio from ${seconds(IN_FLIGHT_GRACE_MS)} after that to the end of the drain (${seconds(d.openMs)}; the sends already on their way when it opened arrive in that first second)`);
  const outages = [down500, silent];
  const all = [healthy, down500, healthyBetween, silent, healthyAgain];
  /** The throughput of the healthy drains just before and just after an outage, averaged. */
  const around = (before: FailoverDrain, after: FailoverDrain) => (before.perSecond + after.perSecond) / 2;
  const base500 = around(healthy, healthyBetween);
  const baseSilent = around(healthyBetween, healthyAgain);
  const sum = (of: (d: FailoverDrain) => number) => all.reduce((total, d) => total + of(d), 0);
  // Once open, Twilio gets one probe per cool-down; one more call may have been routed to it just before it opened.
  const allowedOnceOpen = (d: FailoverDrain) => Math.floor(d.openMs / BREAKER.cooldownMs) + 1;
  const cpuMs = (d: FailoverDrain) => d.cpu.totalMs / d.count;
  const label = (d: FailoverDrain) => (d === healthy ? 'healthy first' : d === healthyBetween ? 'healthy between' : d === healthyAgain ? 'healthy last' : d.outage);
  const healthyLine = (d: FailoverDrain) => `${label(d)}: ${perSecond(d.perSecond)}, ${describe(d)}`;
  return [
    {
      scenario: 'failover',
      metric: `${metric}, Twilio answering 500 ÷ both healthy`,
      herald: perSecond(down500.perSecond),
      baseline: perSecond(base500),
      ratio: ratio(down500.perSecond, base500),
      goal: `≥ ${GOAL_RATIO}× both healthy`,
      met: down500.lost === 0 && down500.perSecond / base500 >= GOAL_RATIO,
      details: [
        `warm-up, not measured: ${count(warmUp.count)} SMS with both healthy, sent in ${seconds(warmUp.elapsedMs)} (${warmUp.lost} lost, ${warmUp.duplicates} twice)`,
        `both healthy (each outage's baseline: the mean of the healthy drains just before and after it): ${count(size)} due SMS released to one worker (concurrency 50) routing 50/50; ${[healthy, healthyBetween, healthyAgain].map(healthyLine).join('; ')}`,
        `Twilio answering HTTP 500 (code 20500) to every send for the whole drain: ${describe(down500)}`,
        `breaker: opens after ${BREAKER.failures} transient failures in a row, probes after ${seconds(BREAKER.cooldownMs)}, a call unanswered for ${seconds(BREAKER.slowCallMs)} counts as a failure (Herald's defaults); each drain starts from both providers' resting health`,
      ],
    },
    {
      scenario: 'failover',
      metric: `${metric}, Twilio not answering ÷ both healthy`,
      herald: perSecond(silent.perSecond),
      baseline: perSecond(baseSilent),
      ratio: ratio(silent.perSecond, baseSilent),
      goal: `≥ ${GOAL_RATIO}× both healthy`,
      met: silent.lost === 0 && silent.perSecond / baseSilent >= GOAL_RATIO,
      details: [
        `Twilio leaving every send unanswered for the whole drain (its message list answering): ${describe(silent)}`,
        `a call unanswered after SMS_BREAKER_SLOW_CALL (${seconds(BREAKER.slowCallMs)}) counts as a failure; once the breaker is open the worker stops waiting for those calls (their slots go to other sends) and each such message waits until Twilio's "not taken" can be believed (PROVIDER_TIMEOUT_MS ${seconds(BREAKER.providerTimeoutMs)} + 5 s after its call), is looked up in Twilio's list, then goes to Vonage`,
      ],
    },
    {
      scenario: 'failover',
      metric: 'Twilio calls once its breaker was open (500s; no answer)',
      herald: `${down500.twilioCallsOnceOpen}; ${silent.twilioCallsOnceOpen}`,
      baseline: '—',
      ratio: '—',
      goal: `≤ 1 probe per ${seconds(BREAKER.cooldownMs)} cool-down (+1)`,
      met: outages.every((d) => d.breakerOpenedAfterMs !== null && d.twilioCallsOnceOpen <= allowedOnceOpen(d)),
      details: outages.map(
        (d) =>
          `${d.outage}: breaker opened ${d.breakerOpenedAfterMs === null ? 'never' : `${seconds(d.breakerOpenedAfterMs)} into the drain`}, ${d.twilioCallsOnceOpen} Twilio calls from ${seconds(IN_FLIGHT_GRACE_MS)} after that to the end of the drain, ${seconds(d.openMs)} after the opening (allowed ${allowedOnceOpen(d)})`,
      ),
    },
    {
      scenario: 'failover',
      metric: 'SMS sent twice across providers (5 drains)',
      herald: count(sum((d) => d.duplicates)),
      baseline: '—',
      ratio: '—',
      goal: '0',
      met: sum((d) => d.duplicates) === 0,
      details: [
        `each notification's accepted calls counted at both fakes by its unique recipient: ${all.map((d) => `${label(d)}: ${d.duplicates} more than once, ${d.atBothProviders} at both`).join('; ')}`,
      ],
    },
    {
      scenario: 'failover',
      metric: 'SMS lost (5 drains)',
      herald: count(sum((d) => d.lost)),
      baseline: '—',
      ratio: '—',
      goal: '0',
      met: sum((d) => d.lost) === 0,
      details: [`not \`sent\` in Postgres with an accepted provider call when the drain ended: ${all.map((d) => `${label(d)}: ${d.lost} of ${count(d.count)}`).join('; ')}`],
    },
    {
      scenario: 'failover',
      metric: 'CPU per SMS, all processes, Twilio answering 500 ÷ both healthy',
      herald: `${cpuMs(down500).toFixed(2)} ms`,
      baseline: `${cpuMs(healthy).toFixed(2)} ms (the healthy drain before)`,
      ratio: ratio(cpuMs(down500), cpuMs(healthy)),
      goal: 'report',
      met: null,
      details: [
        ...all.map((d) => `CPU per SMS, ${label(d)}: ${cpuPerItem(d.cpu, d.count)}`),
        'postgres counts the server’s background processes too, which other databases on the server share',
      ],
    },
  ];
}
