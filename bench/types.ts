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
  /** `ours` hit the benchmark's time cap: the real figure is at least this. */
  oursCapped?: boolean;
  /** `baseline` hit the benchmark's time cap: the real figure is at least this (so the ratio is too). */
  baselineCapped?: boolean;
}

export interface BenchContext {
  /** Tiny parameters: proves each benchmark runs, measures nothing worth quoting. */
  smoke: boolean;
  /** `--trials N`: overrides the trial count of every benchmark that repeats trials. */
  trials: number | undefined;
  /** Progress for humans; goes to stderr so stdout stays the table or the JSON. */
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

/** A timed measurement that may have hit its cap (then `value` is the cap: a lower bound). */
export interface Sample {
  value: number;
  capped: boolean;
}

/**
 * The median of samples some of which may be capped. Every cap of one benchmark is the same
 * figure, the largest it can record, so capped samples sort last: the median is exact unless a
 * middle sample is capped, and then it is a lower bound.
 */
export function medianSample(samples: readonly Sample[]): Sample {
  if (samples.length === 0) throw new Error("median of nothing");
  const sorted = [...samples].sort((a, b) => a.value - b.value || Number(a.capped) - Number(b.capped));
  const middle = Math.floor(sorted.length / 2);
  const picked = sorted.length % 2 === 1 ? [sorted[middle]!] : [sorted[middle - 1]!, sorted[middle]!];
  return {
    value: picked.reduce((sum, sample) => sum + sample.value, 0) / picked.length,
    capped: picked.some((sample) => sample.capped),
  };
}

/** The fields every "ours beside the SDK alone" row shares, from both sides' trial samples. */
export type SideBySideFields = Pick<BenchRow, "ours" | "baseline" | "ratio" | "oursCapped" | "baselineCapped">;

/**
 * Both medians, the ratio (none when ours hit its cap: a capped figure beats nothing) and the
 * capped flags, so each row only adds its name, unit, goal and note.
 */
export function sideBySide(
  oursSamples: readonly Sample[],
  baselineSamples: readonly Sample[],
): { ours: Sample; baseline: Sample; fields: SideBySideFields } {
  const ours = medianSample(oursSamples);
  const baseline = medianSample(baselineSamples);
  return {
    ours,
    baseline,
    fields: {
      ours: ours.value,
      baseline: baseline.value,
      ratio: ours.capped ? null : costRatio(ours.value, baseline.value),
      oursCapped: ours.capped,
      baselineCapped: baseline.capped,
    },
  };
}

/** One sample for a log line or a note: "≥" before a capped one. */
export function showSample(sample: Sample, digits = 1): string {
  return `${sample.capped ? "≥" : ""}${sample.value.toFixed(digits)}`;
}

/** "min–max" of samples, with ≥ on capped ones, for notes. */
export function spread(samples: readonly Sample[], digits = 1): string {
  const show = (sample: Sample) => showSample(sample, digits);
  const sorted = [...samples].sort((a, b) => a.value - b.value);
  if (sorted.length === 1) return show(sorted[0]!);
  return `${show(sorted[0]!)}–${show(sorted[sorted.length - 1]!)}`;
}

/** Trials to run: `--trials` when given, else one in smoke mode, else the benchmark's own default. */
export function trialCount(context: BenchContext, full: number): number {
  return context.trials ?? (context.smoke ? 1 : full);
}
