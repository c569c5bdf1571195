/**
 * Killed peer: a service node SIGKILLed (the OS resets its sockets).
 * - killed-peer-store: from libp2p's `peer:disconnect` for that peer (a listener registered
 *   before anything else, so it fires first) to the store update that stops counting it. Baseline:
 *   the same event on the SDK alone to its `waku:health` event, the SDK's only published signal.
 * - killed-peer-status: end to end, from the kill to ours' status change vs to the SDK's health
 *   change.
 * The fleet has two nodes so that losing one changes the SDK's health (2 → 1 filter and light push
 * peers: SufficientlyHealthy → MinimallyHealthy); with three it would stay "sufficient" and never
 * fire. Fresh light nodes per trial; the killed node is restarted between trials.
 */
import { HealthStatus, WakuEvent, type LightNode } from "@waku/sdk";

import type { Fleet } from "waku-peers-fleet";
import { startOurs, startSdkAlone, stopAll, type OurClient, type SdkClient } from "../lib/clients.js";
import { withFleet } from "../lib/fleets.js";
import { requireRequirementsMet, waitForNode } from "../lib/observer.js";
import { waitForState } from "../lib/store-watch.js";
import { now, sleep } from "../lib/time.js";
import { costRatio, median, trialCount, type BenchContext, type Benchmark, type BenchRow } from "../types.js";

const FULL_TRIALS = 5;
const STORE_GOAL_MS = 25;
const STATUS_GOAL_MS = 200;
/** Every step after a kill takes well under a second on loopback; past this the trial failed. */
const STEP_TIMEOUT_MS = 10_000;

interface TrialResult {
  oursStoreMs: number;
  sdkHealthMs: number;
  oursStatusMs: number;
  sdkStatusMs: number;
  /** Kill → peer:disconnect, for the note. */
  detectMs: number;
}

export const killedPeerBenchmark: Benchmark = {
  rows: ["killed-peer-store", "killed-peer-status"],
  async run(context: BenchContext): Promise<BenchRow[]> {
    const trials = trialCount(context, FULL_TRIALS);
    return withFleet({ nodes: 2 }, async (fleet) => {
      const results: TrialResult[] = [];
      for (let trial = 0; trial < trials; trial++) {
        const result = await runTrial(fleet, trial + 1 < trials);
        context.log(
          `killed-peer: trial ${trial + 1}/${trials}: store ${result.oursStoreMs.toFixed(2)} ms vs waku:health ` +
            `${result.sdkHealthMs.toFixed(1)} ms; ` +
            `status ${result.oursStatusMs.toFixed(0)} ms vs ${result.sdkStatusMs.toFixed(0)} ms`,
        );
        results.push(result);
      }
      return toRows(results);
    });
  },
};

/** Resolves with the `performance.now()` of the first call of the returned trigger. */
function firstTime(): { trigger(): void; at: Promise<number> } {
  let trigger!: () => void;
  const at = new Promise<number>((resolve) => {
    trigger = () => resolve(now());
  });
  return { trigger, at };
}

function disconnectTime(node: LightNode, peerId: string): Promise<number> {
  const first = firstTime();
  const onDisconnect = (event: CustomEvent<{ toString(): string }>): void => {
    if (event.detail.toString() !== peerId) return;
    node.libp2p.removeEventListener("peer:disconnect", onDisconnect);
    first.trigger();
  };
  node.libp2p.addEventListener("peer:disconnect", onDisconnect);
  return first.at;
}

function healthEventTime(node: LightNode): Promise<number> {
  const first = firstTime();
  node.events.addEventListener(WakuEvent.Health, () => first.trigger(), { once: true });
  return first.at;
}

async function runTrial(fleet: Fleet, another: boolean): Promise<TrialResult> {
  const target = fleet.nodes.find((node) => node.role === "service") ?? fleet.nodes[fleet.nodes.length - 1]!;
  let sdk: SdkClient | undefined;
  let ours: OurClient | undefined;
  let killed = false;
  try {
    // Ours' own listener must come before the manager's: created here, armed right before the kill.
    let armOurs: (() => Promise<number>) | undefined;
    [sdk, ours] = await Promise.all([
      startSdkAlone(fleet),
      startOurs(fleet, {
        beforeAttach(node) {
          const first = firstTime();
          let armed = false;
          node.libp2p.addEventListener("peer:disconnect", (event) => {
            if (armed && event.detail.toString() === target.peerId) first.trigger();
          });
          armOurs = () => {
            armed = true;
            return first.at;
          };
        },
      }),
    ]);
    await Promise.all([
      requireRequirementsMet(sdk.node.libp2p, "SDK alone before the kill"),
      requireRequirementsMet(ours.node.libp2p, "ours before the kill"),
    ]);
    await settleBeforeKill(sdk, ours, target.peerId);

    const oursDisconnect = armOurs!();
    const sdkDisconnect = disconnectTime(sdk.node, target.peerId);
    const sdkHealth = healthEventTime(sdk.node);
    const killAt = now();
    const window = { since: killAt, capMs: STEP_TIMEOUT_MS };
    killed = true;
    const [storeSample, statusSample] = await Promise.all([
      waitForState(ours.manager.store, (state) => state.peers[target.peerId]?.connected !== true, window),
      waitForState(ours.manager.store, (state) => state.status !== "connected", window),
      fleet.kill(target.index),
    ]);
    if (storeSample.capped || statusSample.capped) throw new Error("killed-peer: ours never noticed the kill");
    const timeout = sleep(STEP_TIMEOUT_MS).then(() => {
      throw new Error("killed-peer: an expected event never came");
    });
    const [oursDisconnectAt, sdkDisconnectAt, sdkHealthAt] = await Promise.race([
      Promise.all([oursDisconnect, sdkDisconnect, sdkHealth]),
      timeout,
    ]);
    return {
      oursStoreMs: killAt + storeSample.value - oursDisconnectAt,
      sdkHealthMs: sdkHealthAt - sdkDisconnectAt,
      oursStatusMs: statusSample.value,
      sdkStatusMs: sdkHealthAt - killAt,
      detectMs: oursDisconnectAt - killAt,
    };
  } finally {
    await stopAll([sdk, ours]);
    if (killed && another) await fleet.restart(target.index);
  }
}

/** Both sides must show the healthy state the kill is going to change, or nothing is measured. */
async function settleBeforeKill(sdk: SdkClient, ours: OurClient, peerId: string): Promise<void> {
  const window = { since: now(), capMs: STEP_TIMEOUT_MS };
  const [sdkHealthy, oursConnected] = await Promise.all([
    waitForNode(sdk.node.libp2p, () => sdk.node.health === HealthStatus.SufficientlyHealthy, window),
    waitForState(ours.manager.store, (state) => state.status === "connected" && state.peers[peerId]?.connected === true, window),
  ]);
  if (sdkHealthy.capped) throw new Error(`killed-peer: the SDK's health stayed ${sdk.node.health}`);
  if (oursConnected.capped) throw new Error(`killed-peer: ours stayed ${ours.manager.store.getState().status}`);
}

function toRows(results: readonly TrialResult[]): BenchRow[] {
  const pick = (key: keyof TrialResult) => results.map((result) => result[key]);
  const range = (values: number[], digits: number) =>
    `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
  const oursStore = median(pick("oursStoreMs"));
  const sdkHealth = median(pick("sdkHealthMs"));
  const oursStatus = median(pick("oursStatusMs"));
  const sdkStatus = median(pick("sdkStatusMs"));
  const detect = median(pick("detectMs"));
  const trials = `median of ${results.length} trial(s); 2-node fleet, the service node SIGKILLed`;
  return [
    {
      name: "killed-peer-store",
      ours: oursStore,
      baseline: sdkHealth,
      ratio: costRatio(oursStore, sdkHealth),
      unit: "ms",
      goal: `≤ ${STORE_GOAL_MS} ms`,
      met: oursStore <= STORE_GOAL_MS,
      note:
        `${trials}; from libp2p's peer:disconnect (a listener registered before anything else) to the store update ` +
        `that stops counting the peer (negative: ours had stopped counting it before libp2p's event, from the socket's close); ` +
        `baseline: the same event on the SDK alone ` +
        `to its waku:health event. ` +
        `Spread: ours ${range(pick("oursStoreMs"), 2)} ms, SDK ${range(pick("sdkHealthMs"), 1)} ms.`,
    },
    {
      name: "killed-peer-status",
      ours: oursStatus,
      baseline: sdkStatus,
      ratio: costRatio(oursStatus, sdkStatus),
      unit: "ms",
      goal: `≤ ${STATUS_GOAL_MS} ms`,
      met: oursStatus <= STATUS_GOAL_MS,
      note:
        `${trials}; from the SIGKILL to ours' status leaving connected vs to the SDK alone's waku:health event; ` +
        `libp2p itself reported the disconnect after a median ${detect.toFixed(0)} ms. ` +
        `Spread: ours ${range(pick("oursStatusMs"), 0)} ms, SDK ${range(pick("sdkStatusMs"), 0)} ms.`,
    },
  ];
}
