/**
 * Hook leaks: 10,000 mount/unmount cycles of a component using every hook under one provider with
 * a fake node → listeners, subscriptions and handles left over, and heap growth; beside the naive
 * hook cycled the same way. Runs in a child process with `--expose-gc`; see ../child/leaks-hooks.tsx.
 */
import { runChild } from "../lib/child.js";
import { sumValues } from "../lib/heap.js";
import { costRatio, type BenchContext, type Benchmark, type BenchRow } from "../types.js";
import type { LeaksHooksParams, LeaksHooksResult, LeftOver } from "../child/leaks-hooks.js";

/**
 * Heap slope that still counts as flat. Repeated runs of a leak-free tree scatter by about ±60 B
 * per cycle; one leaked subscription retains its unmounted component (kilobytes) per cycle.
 */
const FLAT_HEAP_BYTES_PER_CYCLE = 256;

const leftOverCount = (left: LeftOver): number =>
  left.libp2pListeners + left.storeSubscriptions + left.lostListeners + sumValues(left.handles);

const describe = (left: LeftOver): string =>
  `${left.libp2pListeners} libp2p listeners, ${left.storeSubscriptions} store subscriptions, ` +
  `${left.lostListeners} lost-connection listeners, handles ${JSON.stringify(left.handles)}, ` +
  `heap +${(left.heapGrowthBytes / 1024).toFixed(0)} KiB over the run, ` +
  `${left.heapBytesPerCycle.toFixed(1)} B/cycle over its second half`;

export const leaksHooksBenchmark: Benchmark = {
  rows: ["leaks-hooks"],
  async run(context: BenchContext): Promise<BenchRow[]> {
    const params: LeaksHooksParams = { cycles: context.smoke ? 5 : 10_000 };
    const result = await runChild<LeaksHooksResult>("leaks-hooks", params, {
      timeoutMs: 300_000,
      log: context.log,
      // React's development build grows by itself on every mount (see the child).
      env: { NODE_ENV: "production" },
    });
    const ours = leftOverCount(result.ours);
    const naive = leftOverCount(result.naive);
    // The slope, not the total: a one-time cost (code compiled, a structure sized once) is no leak.
    const heapFlat = result.ours.heapBytesPerCycle <= FLAT_HEAP_BYTES_PER_CYCLE;
    return [
      {
        name: "leaks-hooks",
        ours,
        baseline: naive,
        ratio: costRatio(ours, naive),
        unit: "left over",
        goal: `0 left, heap ≤ ${FLAT_HEAP_BYTES_PER_CYCLE} B/cycle`,
        met: ours === 0 && (context.smoke || heapFlat),
        note:
          `${result.cycles.toLocaleString("en")} mount/unmount cycles (after a warm-up) of a component calling every hook ` +
          `through WakuPeersProvider (fake node, shipped defaults) and again with { manager } on a counting wrapper; ` +
          `left over, ours: ${describe(result.ours)}; naive hook: ${describe(result.naive)}. ` +
          `React production build; heap after forced GC (child process, --expose-gc), ` +
          `the slope taken between the middle and the end of the cycles with the tree in the same state.`,
      },
    ];
  },
};
