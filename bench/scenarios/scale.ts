import { measureDrains } from '../support/drain';
import { count, perSecond, ratio, seconds } from '../support/format';
import { Measurement, Scenario } from '../support/measurement';

/** The delivery drain with 1, 2 and 4 worker processes, each against as many raw BullMQ worker processes. */
export const scale: Scenario = {
  name: 'scale',
  async run(options) {
    const size = options.quick ? 2_000 : 20_000;
    const rows: Measurement[] = [];
    let single = 0;
    for (const processes of options.quick ? [1, 2] : [1, 2, 4]) {
      const { herald, raw } = await measureDrains(options, `scale-${processes}`, size, processes);
      single ||= herald.perSecond;
      rows.push({
        scenario: 'scale',
        metric: `${count(size)} SMS, ${workers(processes)}`,
        herald: perSecond(herald.perSecond),
        baseline: perSecond(raw.perSecond),
        ratio: ratio(herald.perSecond, raw.perSecond),
        goal: 'report',
        met: null,
        details: [
          `${workers(processes)}: Herald drained in ${seconds(herald.elapsedMs)}, ${ratio(herald.perSecond, single)} the rate of one; ` +
            `raw BullMQ in ${seconds(raw.elapsedMs)} with as many raw worker processes`,
        ],
      });
    }
    return rows;
  },
};

const workers = (n: number) => `${n} worker${n > 1 ? 's' : ''}`;
