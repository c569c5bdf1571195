/** One line of the benchmark table: our figure beside the baseline's, with the goal. */
export interface BenchRow {
  name: string;
  ours: number;
  baseline: number | null;
  /**
   * How many times better we are: baseline / ours for costs (time, renders, bytes, leaks),
   * null when there is no baseline or a side is 0.
   */
  ratio: number | null;
  unit: string;
  goal: string;
  met: boolean;
  /** Free text: trials, spread, what the baseline is. */
  note?: string;
}

export interface BenchContext {
  /** Tiny parameters: proves each benchmark runs, measures nothing worth quoting. */
  smoke: boolean;
  log(message: string): void;
}

export interface Benchmark {
  /** Row names this benchmark produces, for `--only`. */
  rows: readonly string[];
  run(context: BenchContext): Promise<BenchRow[]>;
}

/** ratio = baseline / ours, or null when it would be meaningless. */
export function costRatio(ours: number, baseline: number | null): number | null {
  if (baseline === null || ours <= 0 || baseline <= 0) return null;
  return baseline / ours;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of nothing");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
