/**
 * Frozen peer: one of three service nodes SIGSTOPped (its sockets stay open, nothing answers)
 * → time until it is out of the counts. Ours: until its own store no longer counts the peer as
 * connected (what the UI shows). The SDK alone: until its libp2p has no open connection to the
 * peer (the only count the SDK has; its health and connection events derive from it). Both light
 * nodes run on the same fleet during the same freeze; each trial uses fresh light nodes and a
 * freshly restarted node.
 */
import type { Fleet } from "waku-peers-fleet";
import { startOurs, startSdkAlone, stopAll, type OurClient, type SdkClient } from "../lib/clients.js";
import { connectedPeerIds, requireRequirementsMet, waitForNode } from "../lib/observer.js";
import { waitForState } from "../lib/store-watch.js";
import { DEFAULT_OPTIONS } from "../../src/core/index.js";
import { now, seconds, sleep } from "../lib/time.js";
import { sequentialTrials } from "../lib/trials.js";
import {
  medianSample,
  showSample as show,
  sideBySide,
  spread,
  trialCount,
  type BenchContext,
  type Benchmark,
  type BenchRow,
  type Sample,
} from "../types.js";

const FULL_TRIALS = 5;
const GOAL_S = 1.5;
/** libp2p's own connection monitor needs about 13 s; 30 s leaves it room. */
const FULL_CAP_MS = 30_000;
const SMOKE_CAP_MS = 4_000;
/** Liveness rounds ours gets to measure the peer before it freezes. */
const MEASURING_ROUNDS = 3;

interface TrialResult {
  ours: Sample;
  /** Ours, through the neutral observer: its connection to the frozen node closed. */
  oursConnection: Sample;
  sdk: Sample;
}

export const frozenPeerBenchmark: Benchmark = {
  rows: ["frozen-peer"],
  async run(context: BenchContext): Promise<BenchRow[]> {
    const trials = trialCount(context, FULL_TRIALS);
    const capMs = context.smoke ? SMOKE_CAP_MS : FULL_CAP_MS;
    const results = await sequentialTrials({
      fleet: { nodes: 3 },
      trials,
      run: (fleet, trial, another) => runTrial(fleet, trial, capMs, another),
      log: (result, trial) =>
        context.log(`frozen-peer: trial ${trial + 1}/${trials}: ours ${show(result.ours)} s, SDK alone ${show(result.sdk)} s`),
    });
    return [toRow(results, capMs)];
  },
};

async function runTrial(fleet: Fleet, trial: number, capMs: number, another: boolean): Promise<TrialResult> {
  let sdk: SdkClient | undefined;
  let ours: OurClient | undefined;
  let frozen: number | undefined;
  try {
    [sdk, ours] = await Promise.all([startSdkAlone(fleet), startOurs(fleet)]);
    await Promise.all([
      requireRequirementsMet(sdk.node.libp2p, "SDK alone before the freeze"),
      requireRequirementsMet(ours.node.libp2p, "ours before the freeze"),
    ]);
    const target = pickTarget(fleet, sdk, ours, trial);
    const peerId = fleet.nodes[target]!.peerId;
    const counted = await waitForState(ours.manager.store, (state) => state.peers[peerId]?.connected === true, {
      since: now(),
      capMs: 10_000,
    });
    if (counted.capped) throw new Error("frozen-peer: ours never counted the node about to be frozen");
    // A peer is judged on its own round trips once it has answered a few pings (a fresh connection's
    // first ones say little): freezing it in its first second would time the unmeasured ceiling.
    const measured = await waitForState(ours.manager.store, (state) => state.peers[peerId]?.rttMs !== undefined, {
      since: now(),
      capMs: 10_000,
    });
    if (measured.capped) throw new Error("frozen-peer: ours never measured a round trip to the node about to be frozen");
    await sleep(MEASURING_ROUNDS * (DEFAULT_OPTIONS.liveness ? DEFAULT_OPTIONS.liveness.intervalMs : 0));
    const window = { since: now(), capMs };
    frozen = target;
    const freezing = fleet.freeze(target);
    const [oursSample, oursConnection, sdkSample] = await Promise.all([
      waitForState(ours.manager.store, (state) => state.peers[peerId]?.connected !== true, window),
      waitForNode(ours.node.libp2p, () => !connectedPeerIds(ours!.node.libp2p).has(peerId), window),
      waitForNode(sdk.node.libp2p, () => !connectedPeerIds(sdk!.node.libp2p).has(peerId), window),
      freezing,
    ]);
    const toSeconds = (sample: Sample): Sample => ({ value: seconds(sample.value), capped: sample.capped });
    return { ours: toSeconds(oursSample), oursConnection: toSeconds(oursConnection), sdk: toSeconds(sdkSample) };
  } finally {
    // Thaw before stopping the light nodes, so their graceful close is answered.
    if (frozen !== undefined) await fleet.thaw(frozen).catch(() => {});
    await stopAll([sdk, ours]);
    // A fresh process for the next trial: the thawed one wakes up to timed-out sockets.
    if (frozen !== undefined && another) await fleet.restart(frozen);
  }
}

/** A node both light nodes are connected to, preferring non-bootstrap ones and taking turns. */
function pickTarget(fleet: Fleet, sdk: SdkClient, ours: OurClient, trial: number): number {
  const both = (index: number): boolean => {
    const peerId = fleet.nodes[index]!.peerId;
    return connectedPeerIds(sdk.node.libp2p).has(peerId) && connectedPeerIds(ours.node.libp2p).has(peerId);
  };
  const services = fleet.nodes.filter((node) => node.role === "service" && both(node.index));
  const candidates = services.length > 0 ? services : fleet.nodes.filter((node) => both(node.index));
  if (candidates.length === 0) throw new Error("frozen-peer: no fleet node is connected to both light nodes");
  return candidates[trial % candidates.length]!.index;
}

function toRow(results: readonly TrialResult[], capMs: number): BenchRow {
  const { ours, fields } = sideBySide(
    results.map((result) => result.ours),
    results.map((result) => result.sdk),
  );
  const connection = medianSample(results.map((result) => result.oursConnection));
  return {
    name: "frozen-peer",
    ...fields,
    unit: "s",
    goal: `≤ ${GOAL_S} s`,
    met: !ours.capped && ours.value <= GOAL_S,
    note:
      `median of ${results.length} trial(s); 3-node fleet, a non-bootstrap node both light nodes use ` +
      `is SIGSTOPped once ours has measured a few round trips to it; ` +
      `ours: until its store stops counting the peer as connected; SDK alone: until its libp2p closes the connection ` +
      `(libp2p's connection monitor). Cap ${seconds(capMs)} s (≥ = capped). ` +
      `Spread: ours ${spread(results.map((r) => r.ours))} s, ` +
      `SDK alone ${spread(results.map((r) => r.sdk))} s; ours' connection closed at a median ${show(connection)} s.`,
  };
}
