import { Scenario } from '../support/measurement';
import { campaign } from './campaign';
import { consoleScenario } from './console';
import { delivery } from './delivery';
import { exportScenario } from './export';
import { footprint } from './footprint';
import { ingest } from './ingest';
import { isolation } from './isolation';
import { latency } from './latency';
import { lateness } from './lateness';
import { lists } from './lists';
import { reconcile } from './reconcile';
import { retention } from './retention';
import { scale } from './scale';
import { stream } from './stream';
import { failover } from './failover';

/** In the order they run and appear in the table. */
export const SCENARIOS: Scenario[] = [
  ingest,
  delivery,
  latency,
  lateness,
  isolation,
  footprint,
  reconcile,
  scale,
  exportScenario,
  stream,
  campaign,
  lists,
  retention,
  consoleScenario,
  failover,
];
