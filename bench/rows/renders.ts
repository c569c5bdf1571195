/**
 * Render economy: a badge and a counts panel under 1,000 scripted peer actions, rendered against
 * the number of distinct changes of what they show, beside a naive hook that sets state on every
 * libp2p event. React in happy-dom, in a child process; see ../child/renders.tsx.
 */
import { runChild } from "../lib/child.js";
import { costRatio, type BenchContext, type Benchmark, type BenchRow } from "../types.js";
import type { RendersParams, RendersResult } from "../child/renders.js";

export const rendersBenchmark: Benchmark = {
  rows: ["renders-badge", "renders-counts"],
  async run(context: BenchContext): Promise<BenchRow[]> {
    const params: RendersParams = { actions: context.smoke ? 50 : 1_000 };
    const result = await runChild<RendersResult>("renders", params, { timeoutMs: 300_000, log: context.log });
    const traffic =
      `${result.actions.toLocaleString("en")} scripted peer actions (${result.events.toLocaleString("en")} libp2p events: ` +
      `service and other peers connecting, dropping, identify pushes, peer store writes, discoveries) on a fake node, ` +
      `React 19 in happy-dom, renders counted after mount`;
    const naive =
      "naive: a hook listening to libp2p itself and setting fresh counts on every event (React batches the events of one action)";
    return [
      {
        name: "renders-badge",
        ours: result.badge.ours,
        baseline: result.badge.naive,
        ratio: costRatio(result.badge.ours, result.badge.naive),
        unit: "renders",
        goal: `= distinct status changes (${result.badge.changes})`,
        met: result.badge.ours === result.badge.changes,
        note: `${traffic}; useConnectionStatus under WakuPeersProvider with shipped defaults; ${naive}.`,
      },
      {
        name: "renders-counts",
        ours: result.counts.ours,
        baseline: result.counts.naive,
        ratio: costRatio(result.counts.ours, result.counts.naive),
        unit: "renders",
        goal: `= distinct health changes (${result.counts.changes})`,
        met: result.counts.ours === result.counts.changes,
        note: `same traffic; usePeerHealth() (every protocol's count and the overall light); ${naive}.`,
      },
    ];
  },
};
