/**
 * Idle renders: a real light node connected to a 3-node fleet, nothing happening, liveness on
 * (every service peer pinged every 2 s, round trips measured each time): how often do the
 * `usePeers`, `usePeerHealth` and `useConnectionStatus` components render? Round trips are
 * published only when they change by max(10 ms, 25 %), so ping jitter should render nothing.
 * Beside a naive hook that sets state on every libp2p event. See ../child/renders-idle.tsx.
 */
import { lightNodeOptions } from "waku-peers-fleet";
import { runChild } from "../lib/child.js";
import { withFleet } from "../lib/fleets.js";
import { costRatio, type BenchContext, type Benchmark, type BenchRow } from "../types.js";
import type { RendersIdleParams, RendersIdleResult } from "../child/renders-idle.js";

const FULL = { windowMs: 60_000, settleMs: 10_000 };
const SMOKE = { windowMs: 3_000, settleMs: 1_000 };

export const rendersIdleBenchmark: Benchmark = {
  rows: ["renders-idle"],
  async run(context: BenchContext): Promise<BenchRow[]> {
    const timing = context.smoke ? SMOKE : FULL;
    return withFleet({ nodes: 3, bootstrap: 1 }, async (fleet) => {
      const params: RendersIdleParams = { options: lightNodeOptions(fleet), ...timing, connectTimeoutMs: 60_000 };
      const result = await runChild<RendersIdleResult>("renders-idle", params, { timeoutMs: 240_000, log: context.log });
      const { peers, health, status, naive } = result.renders;
      const ours = peers + health + status;
      return [
        {
          name: "renders-idle",
          ours,
          baseline: naive,
          ratio: costRatio(ours, naive),
          unit: "renders",
          goal: "0 renders on an idle connected node, liveness on",
          met: ours === 0,
          note:
            `${(result.windowMs / 1000).toFixed(0)} s on a real light node connected to a 3-node fleet ` +
            `(status ${result.status}), ` +
            `shipped defaults, after ${(timing.settleMs / 1000).toFixed(0)} s to settle: ` +
            `usePeers ${peers}, usePeerHealth ${health}, ` +
            `useConnectionStatus ${status} renders; ${result.events} libp2p events in the window; ` +
            `baseline: a naive hook setting ` +
            `state on every libp2p event (${naive} renders)`,
        },
      ];
    });
  },
};
