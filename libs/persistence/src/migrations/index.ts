import { InitialSchema1763800000000 } from './1763800000000-initial-schema';
import { OptOuts1763900000000 } from './1763900000000-opt-outs';
import { LiveEvents1764000000000 } from './1764000000000-live-events';

/** Every migration, in order. New schema changes are appended here, never applied by `synchronize`. */
export const MIGRATIONS = [InitialSchema1763800000000, OptOuts1763900000000, LiveEvents1764000000000];
