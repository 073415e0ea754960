import { measureDrains } from '../support/drain';
import { count, perSecond, ratio, seconds } from '../support/format';
import { Scenario } from '../support/measurement';

const GOAL_RATIO = 0.35;

/** One Herald worker drains queued SMS to the Twilio fake, next to raw BullMQ draining as many no-op jobs. */
export const delivery: Scenario = {
  name: 'delivery',
  async run(options) {
    const size = options.quick ? 2_000 : 20_000;
    const { herald, raw } = await measureDrains(options, 'delivery', size, 1);
    return [
      {
        scenario: 'delivery',
        metric: `${count(size)} SMS, 1 worker`,
        herald: perSecond(herald.perSecond),
        baseline: perSecond(raw.perSecond),
        ratio: ratio(herald.perSecond, raw.perSecond),
        goal: `≥ ${GOAL_RATIO}× raw`,
        met: herald.perSecond / raw.perSecond >= GOAL_RATIO,
        details: [
          `Herald: ${count(size)} queued SMS seeded, released to one worker; last \`sent\` in Postgres after ${seconds(herald.elapsedMs)}`,
          `raw BullMQ: ${count(size)} no-op jobs with Herald's job options, one worker process, drained in ${seconds(raw.elapsedMs)}`,
        ],
      },
    ];
  },
};
