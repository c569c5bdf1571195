/**
 * Child task of the event-cost benchmark: CPU time (user + system, `process.cpuUsage`) of
 * playing the same scripted peer traffic on a fake node three ways:
 * - alone: no listener at all: the cost of the fake node and of the loop itself;
 * - ours: `createPeerManager(fake.node)` with shipped defaults;
 * - naive: a full recount on every event (../lib/naive-counts.ts).
 * Every action gets its own macrotask, as real traffic arrives, so ours commits once per action
 * rather than once for the whole burst. Sides are interleaved and repeated; medians are kept.
 */
import { createPeerManager } from "../../src/core/index.js";
import { followNaively } from "../lib/naive-counts.js";
import { applyAction, countingFakeNode, peerScript } from "../lib/peer-script.js";
import { median } from "../types.js";
import type { ChildIo } from "./io.js";

export interface EventCostParams {
  events: number;
  repetitions: number;
  warmupEvents: number;
}

export interface SideCost {
  /** Median CPU µs per libp2p event. */
  perEventUs: number;
  /** Median total CPU ms for the run. */
  totalMs: number;
  /** libp2p events dispatched in one run. */
  events: number;
}

export interface EventCostResult {
  alone: SideCost;
  ours: SideCost;
  naive: SideCost;
  actions: number;
}

type Side = "alone" | "ours" | "naive";

const nextTask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function play(side: Side, targetEvents: number): Promise<{ cpuUs: number; events: number; actions: number }> {
  const { fake, events } = countingFakeNode();
  // Generously many actions: each emits one to four events; play stops at the target.
  const script = peerScript(targetEvents);
  let detach = (): void => {};
  if (side === "ours") {
    const manager = createPeerManager(fake.node);
    detach = () => manager.stop();
  } else if (side === "naive") {
    detach = followNaively(fake.libp2p, () => {});
  }
  await nextTask();
  const before = process.cpuUsage();
  const eventsBefore = events();
  let actions = 0;
  for (const action of script) {
    if (events() - eventsBefore >= targetEvents) break;
    applyAction(fake, action);
    actions += 1;
    await nextTask();
  }
  const used = process.cpuUsage(before);
  const dispatched = events() - eventsBefore;
  detach();
  return { cpuUs: used.user + used.system, events: dispatched, actions };
}

export async function run(params: EventCostParams, io: ChildIo): Promise<EventCostResult> {
  const sides: Side[] = ["alone", "ours", "naive"];
  if (params.warmupEvents > 0) for (const side of sides) await play(side, params.warmupEvents);
  const samples: Record<Side, { perEventUs: number; totalMs: number; events: number }[]> = { alone: [], ours: [], naive: [] };
  let actions = 0;
  for (let repetition = 0; repetition < params.repetitions; repetition++) {
    for (const side of sides) {
      const result = await play(side, params.events);
      actions = result.actions;
      samples[side].push({ perEventUs: result.cpuUs / result.events, totalMs: result.cpuUs / 1000, events: result.events });
    }
    io.log(
      `event-cost: repetition ${repetition + 1}/${params.repetitions}: ` +
        sides.map((side) => `${side} ${samples[side].at(-1)!.perEventUs.toFixed(2)} µs/event`).join(", "),
    );
  }
  const summarize = (side: Side): SideCost => ({
    perEventUs: median(samples[side].map((sample) => sample.perEventUs)),
    totalMs: median(samples[side].map((sample) => sample.totalMs)),
    events: samples[side][0]!.events,
  });
  return { alone: summarize("alone"), ours: summarize("ours"), naive: summarize("naive"), actions };
}
