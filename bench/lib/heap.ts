/**
 * Heap figures after a full collection. Children run with `--expose-gc`; elsewhere the flag is
 * switched on at run time (V8 allows it) so a row never silently measures garbage.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

type Collect = () => void;

function collector(): Collect {
  const exposed = (globalThis as { gc?: Collect }).gc;
  if (typeof exposed === "function") return exposed;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as Collect;
}

/** Collects until the heap stops shrinking (weak refs and finalizers need more than one pass). */
export async function collectedHeapBytes(): Promise<number> {
  const collect = collector();
  let previous = Number.POSITIVE_INFINITY;
  for (let pass = 0; pass < 6; pass++) {
    collect();
    await new Promise((resolve) => setImmediate(resolve));
    const used = process.memoryUsage().heapUsed;
    if (used >= previous - 64 * 1024) return used;
    previous = used;
  }
  return previous;
}

/** Active handles and requests by kind (timers, sockets...), as Node reports them. */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** Kinds that grew from `before` to `after`, with how much. */
export function resourceGrowth(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const grown: Record<string, number> = {};
  for (const [kind, count] of Object.entries(after)) {
    const delta = count - (before[kind] ?? 0);
    if (delta > 0) grown[kind] = delta;
  }
  return grown;
}

export const sumValues = (record: Record<string, number>): number => Object.values(record).reduce((sum, value) => sum + value, 0);

/**
 * Growth per cycle: the least-squares slope of heap samples taken at several cycles, each with the
 * tree in the same state. One pair of samples would be at the mercy of GC noise, and a one-time
 * cost (code compiled, a cache sized once) raises the level without raising the slope.
 */
export function heapSlope(samples: readonly { cycle: number; bytes: number }[]): number {
  if (samples.length < 2) return 0;
  const meanX = samples.reduce((sum, sample) => sum + sample.cycle, 0) / samples.length;
  const meanY = samples.reduce((sum, sample) => sum + sample.bytes, 0) / samples.length;
  let covariance = 0;
  let variance = 0;
  for (const sample of samples) {
    covariance += (sample.cycle - meanX) * (sample.bytes - meanY);
    variance += (sample.cycle - meanX) ** 2;
  }
  return variance === 0 ? 0 : covariance / variance;
}

/** The cycles (1-based counts) after which to sample: about five across the second half. */
export function sampleCycles(cycles: number): Set<number> {
  const picked = new Set<number>();
  if (cycles < 4) return picked;
  const first = Math.ceil(cycles / 2);
  for (let index = 0; index < 5; index++) picked.add(Math.round(first + ((cycles - first) * index) / 4));
  return picked;
}
