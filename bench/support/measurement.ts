/** How the suite was asked to run. */
export interface BenchOptions {
  /** The small smoke version CI runs: every size shrunk, nothing written to docs/. */
  quick: boolean;
  /** When set, Herald's processes write V8 CPU profiles under this folder (one sub-folder per scenario). */
  profileDir?: string;
}

/** One row of the results table: Herald's figure next to its raw baseline, taken in the same run. */
export interface Measurement {
  scenario: string;
  metric: string;
  herald: string;
  baseline: string;
  ratio: string;
  goal: string;
  /** null when the row has no goal, or nothing could be measured. */
  met: boolean | null;
  /** Supporting figures printed under the table: sizes, percentiles, counts, checks. */
  details: string[];
}

export interface Scenario {
  name: string;
  run(options: BenchOptions): Promise<Measurement[]>;
}
