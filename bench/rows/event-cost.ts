/**
 * Event cost: CPU time of 10,000 libp2p peer events through the peer manager (fake node, shipped
 * defaults), net of the fake node's own cost, beside a naive full recount per event. Runs in a
 * child process so no other row's sockets or timers share its CPU clock. See ../child/event-cost.ts.
 */
import { runChild } from "../lib/child.js";
import { costRatio, type BenchContext, type Benchmark, type BenchRow } from "../types.js";
import type { EventCostParams, EventCostResult } from "../child/event-cost.js";

/**
 * Issue 10's budget: a light node sees at most a few hundred peer events per second (peer
 * exchange bursts, identify pushes); at 10 µs each, even 1,000 per second stay under 1 % of a core.
 */
const BUDGET_US = 10;

const FULL: EventCostParams = { events: 10_000, repetitions: 5, warmupEvents: 60_000 };
const SMOKE: EventCostParams = { events: 50, repetitions: 1, warmupEvents: 0 };

export const eventCostBenchmark: Benchmark = {
  rows: ["event-cost"],
  async run(context: BenchContext): Promise<BenchRow[]> {
    const params = context.smoke ? SMOKE : FULL;
    const result = await runChild<EventCostResult>("event-cost", params, { timeoutMs: 300_000, log: context.log });
    const net = (perEventUs: number) => Math.max(0, perEventUs - result.alone.perEventUs);
    const ours = net(result.ours.perEventUs);
    const naive = net(result.naive.perEventUs);
    const oursTotalMs = Math.max(0, result.ours.totalMs - result.alone.totalMs);
    return [
      {
        name: "event-cost",
        ours,
        baseline: naive,
        ratio: costRatio(ours, naive),
        unit: "µs/event",
        goal: `≤ ${BUDGET_US} µs/event`,
        met: ours <= BUDGET_US,
        note:
          `${result.ours.events.toLocaleString("en")} libp2p events ` +
          `(${result.actions.toLocaleString("en")} scripted peer actions, ` +
          `one macrotask each) on the fake node, createPeerManager with shipped defaults (every part loaded and running, ` +
          `recovery dialing whenever the script drops below the requirements): ${oursTotalMs.toFixed(0)} ms CPU in total ` +
          `(user + system), median of ${params.repetitions}, ` +
          `after ${params.warmupEvents.toLocaleString("en")} warm-up events per side ` +
          `(V8 needs about that many to settle; earlier runs measured the JIT). Both figures are net of the fake node alone ` +
          `(${result.alone.perEventUs.toFixed(2)} µs/event, subtracted); baseline: a full recount of connections × ` +
          `peer store protocols on every event (what a hand-rolled hook does), on the same fake, whose peer store is a Map: ` +
          `a real libp2p peer store read decodes a record and costs more, so the baseline is a flattering one.`,
      },
    ];
  },
};
