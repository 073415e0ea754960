import { cpuPerItem } from '../support/cpu-meter';
import { CRITICAL_CONCURRENCY } from '../support/bench-stack';
import { Drain, measureDrains } from '../support/drain';
import { count, perSecond, ratio, seconds } from '../support/format';
import { Scenario } from '../support/measurement';

/** Issue 24's goals, each a ratio to a baseline of the same run. */
const GOAL = { naivePeer: 1.0, sdkCeiling: 1.0, bareTransport: 0.7, cpuPerSmsOverBare: 1.5 };

/**
 * One Herald worker drains queued SMS to the Twilio fake, next to, in the same run and on the same Redis and fake: a
 * BullMQ worker making the same Twilio SDK call and nothing else (the ceiling for anything that sends through the
 * SDK as it ships), a naive peer (read the row, SDK call, one UPDATE), the bare transport (the same form posted over
 * undici's pool: no SDK, no database) and, as context, the same worker sending through Herald's SMS channel (the SDK
 * over undici) and raw BullMQ draining as many no-op jobs.
 */
export const delivery: Scenario = {
  name: 'delivery',
  async run(options) {
    const size = options.quick ? 2_000 : 20_000;
    const drains = await measureDrains(options, 'delivery', size, 1, { providerBaselines: true });
    const { herald, raw } = drains;
    const sdk = drains.sdkCeiling!;
    const naive = drains.naivePeer!;
    const channel = drains.heraldChannel!;
    const bare = drains.bareTransport!;
    const cpuMs = (drain: Drain) => drain.cpu.totalMs / drain.count;
    const metric = `${count(size)} SMS, 1 worker`;
    return [
      {
        scenario: 'delivery',
        metric: `${metric}, ÷ naive-peer`,
        herald: perSecond(herald.perSecond),
        baseline: perSecond(naive.perSecond),
        ratio: ratio(herald.perSecond, naive.perSecond),
        goal: `≥ ${GOAL.naivePeer.toFixed(1)}× naive-peer`,
        met: herald.perSecond / naive.perSecond >= GOAL.naivePeer,
        details: [
          `Herald: ${count(size)} queued SMS seeded, released to one worker; last \`sent\` in Postgres after ${seconds(herald.elapsedMs)}; ` +
            `on average ${herald.sendsPerCommit!.claim.toFixed(1)} claims and ${herald.sendsPerCommit!.sent.toFixed(1)} \`sent\` writes per commit`,
          `naive-peer: one BullMQ worker process (concurrency ${CRITICAL_CONCURRENCY}, pg pool 20, as Herald's) reading each row, calling the Twilio SDK, one UPDATE of status and provider id; drained in ${seconds(naive.elapsedMs)}`,
        ],
      },
      {
        scenario: 'delivery',
        metric: `${metric}, ÷ sdk-ceiling`,
        herald: perSecond(herald.perSecond),
        baseline: perSecond(sdk.perSecond),
        ratio: ratio(herald.perSecond, sdk.perSecond),
        goal: `≥ ${GOAL.sdkCeiling.toFixed(1)}× sdk-ceiling`,
        met: herald.perSecond / sdk.perSecond >= GOAL.sdkCeiling,
        details: [`sdk-ceiling: one BullMQ worker process (concurrency ${CRITICAL_CONCURRENCY}) making the same Twilio SDK call to the same fake, no database; drained in ${seconds(sdk.elapsedMs)}`],
      },
      {
        scenario: 'delivery',
        metric: `${metric}, ÷ bare transport`,
        herald: perSecond(herald.perSecond),
        baseline: perSecond(bare.perSecond),
        ratio: ratio(herald.perSecond, bare.perSecond),
        goal: `≥ ${GOAL.bareTransport}× bare transport`,
        met: herald.perSecond / bare.perSecond >= GOAL.bareTransport,
        details: [
          `bare transport: one BullMQ worker process (concurrency ${CRITICAL_CONCURRENCY}) posting the same form (To, From, Body, StatusCallback) to the fake's Messages resource over undici's pool, no SDK, no database; drained in ${seconds(bare.elapsedMs)}`,
        ],
      },
      {
        scenario: 'delivery',
        metric: `${metric}, ÷ Herald's SMS channel alone (context)`,
        herald: perSecond(herald.perSecond),
        baseline: perSecond(channel.perSecond),
        ratio: ratio(herald.perSecond, channel.perSecond),
        goal: 'report',
        met: null,
        details: [
          `Herald's SMS channel alone: the sdk-ceiling worker sending through Herald's TwilioSmsChannel (the same SDK over undici's pool instead of the SDK's axios transport), no database; drained in ${seconds(channel.elapsedMs)}`,
        ],
      },
      {
        scenario: 'delivery',
        metric: `${metric}, ÷ raw no-op (context)`,
        herald: perSecond(herald.perSecond),
        baseline: perSecond(raw.perSecond),
        ratio: ratio(herald.perSecond, raw.perSecond),
        goal: 'report',
        met: null,
        details: [`raw BullMQ: ${count(size)} no-op jobs with Herald's job options, one worker process, drained in ${seconds(raw.elapsedMs)}`],
      },
      {
        scenario: 'delivery',
        metric: 'CPU per delivered SMS, all processes',
        herald: `${cpuMs(herald).toFixed(2)} ms`,
        baseline: `${cpuMs(bare).toFixed(2)} ms (bare transport)`,
        ratio: ratio(cpuMs(herald), cpuMs(bare)),
        goal: `≤ ${GOAL.cpuPerSmsOverBare.toFixed(1)}× bare transport`,
        met: cpuMs(herald) / cpuMs(bare) <= GOAL.cpuPerSmsOverBare,
        details: [
          `CPU per SMS, Herald: ${cpuPerItem(herald.cpu, size)}`,
          `CPU per SMS, bare transport: ${cpuPerItem(bare.cpu, size)}`,
          `CPU per SMS, naive-peer: ${cpuPerItem(naive.cpu, size)}`,
          `CPU per SMS, sdk-ceiling: ${cpuPerItem(sdk.cpu, size)}`,
          `CPU per SMS, Herald's SMS channel alone: ${cpuPerItem(channel.cpu, size)}`,
          `CPU per job, raw no-op: ${cpuPerItem(raw.cpu, size)}`,
          `CPU is user + system time from /proc/<pid>/stat over each drain: the worker, the API (idle), the Postgres backends of the benchmark's database and the server's background processes, the Redis server, and the bench process, which serves the Twilio fake and polls for the end`,
        ],
      },
    ];
  },
};
