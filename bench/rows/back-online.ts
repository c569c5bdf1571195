/**
 * Back online: the device goes offline and loses its connections while the fleet stays up, then
 * comes back online → time until the requirements are met again, timed by the neutral observer
 * on each light node from the moment the device is online.
 *
 * Both light nodes share one simulated device network (../lib/device-network.ts): while offline,
 * every dial fails (a connection gater), ours is told through its environment, and the SDK alone
 * gets the browser's `offline`/`online` events and `navigator.onLine` its network monitor listens
 * to. "Loses its connections" is done in the open: every peer is hung up on both nodes once the
 * device is offline.
 *
 * The SDK alone comes back either at once (its `online` handler re-dials) or only after its 60 s
 * cooldown, when its 5 s maintenance tick tried to dial while the device was offline; the cap
 * (20 s) sits between the two, so a capped figure says "the long way", not a precise time.
 */
import type { Fleet } from "waku-peers-fleet";
import { startOurs, startSdkAlone, stopAll, type OurClient, type SdkClient } from "../lib/clients.js";
import { createDeviceNetwork, type DeviceNetwork } from "../lib/device-network.js";
import { withFleet } from "../lib/fleets.js";
import { connectedPeerIds, requireRequirementsMet, untilRequirementsMet, waitForNode, type Libp2p } from "../lib/observer.js";
import { waitForState } from "../lib/store-watch.js";
import { now, sleep } from "../lib/time.js";
import {
  medianSample,
  sideBySide,
  spread,
  trialCount,
  type BenchContext,
  type Benchmark,
  type BenchRow,
  type Sample,
} from "../types.js";

const FULL_TRIALS = 5;
const GOAL_MS = 300;

interface Parameters {
  offlineMs: number;
  capMs: number;
  /**
   * How long the light nodes have been up before the device goes offline. The SDK skips a peer
   * for 10 s after a successful dial; an app that has been running for a while is past that, and
   * going offline seconds after start would charge the SDK for a cooldown it would not be in.
   */
  settledMs: number;
}

const FULL: Parameters = { offlineMs: 3_000, capMs: 20_000, settledMs: 12_000 };
const SMOKE: Parameters = { offlineMs: 1_000, capMs: 3_000, settledMs: 0 };

interface TrialResult {
  ours: Sample;
  sdk: Sample;
  oursStatus: Sample;
}

export const backOnlineBenchmark: Benchmark = {
  rows: ["back-online"],
  async run(context: BenchContext): Promise<BenchRow[]> {
    const parameters = context.smoke ? SMOKE : FULL;
    const trials = trialCount(context, FULL_TRIALS);
    return withFleet({ nodes: 3 }, async (fleet) => {
      // One device for the whole row, installed before any node starts: the SDK's network monitor
      // subscribes to the browser events at start. Each trial gets fresh light nodes on it.
      const network = createDeviceNetwork();
      let next: Promise<Pair> | undefined = startPair(fleet, network);
      try {
        const results: TrialResult[] = [];
        for (let trial = 0; trial < trials; trial++) {
          const pair = await next!;
          next = undefined;
          const startNext = (): void => {
            if (trial + 1 < trials) next = startPair(fleet, network);
          };
          const result = await runTrial(pair, network, parameters, startNext);
          context.log(
            `back-online: trial ${trial + 1}/${trials}: ours ${show(result.ours)} ms, SDK alone ${show(result.sdk)} ms`,
          );
          results.push(result);
        }
        return [toRow(results, parameters)];
      } finally {
        if (next)
          await next.then(
            (pair) => stopAll([pair.sdk, pair.ours]),
            () => {},
          );
        network.dispose();
      }
    });
  },
};

interface Pair {
  sdk: SdkClient;
  ours: OurClient;
  startedAt: number;
}

async function startPair(fleet: Fleet, network: DeviceNetwork): Promise<Pair> {
  const startedAt = now();
  const [sdk, ours] = await Promise.allSettled([
    startSdkAlone(fleet, { nodeOptions: network.nodeOptions }),
    startOurs(fleet, { nodeOptions: network.nodeOptions, managerOptions: { environment: network.environment } }),
  ]);
  if (sdk.status === "rejected" || ours.status === "rejected") {
    await stopAll([sdk.status === "fulfilled" ? sdk.value : undefined, ours.status === "fulfilled" ? ours.value : undefined]);
    throw sdk.status === "rejected" ? sdk.reason : (ours as PromiseRejectedResult).reason;
  }
  return { sdk: sdk.value, ours: ours.value, startedAt };
}

/**
 * One offline/online round on a fresh pair. Once ours is timed, `startNext` starts the next
 * trial's pair while the SDK alone is still being waited for: the waiting is idle time, and the
 * next pair needs its settling time anyway. No event reaches the device before this pair stops.
 */
async function runTrial(pair: Pair, network: DeviceNetwork, parameters: Parameters, startNext: () => void): Promise<TrialResult> {
  const { sdk, ours } = pair;
  try {
    await Promise.all([
      requireRequirementsMet(sdk.node.libp2p, "SDK alone before going offline"),
      requireRequirementsMet(ours.node.libp2p, "ours before going offline"),
    ]);
    await sleep(Math.max(0, pair.startedAt + parameters.settledMs - now()));

    network.goOffline();
    await Promise.all([hangUpAll(sdk.node.libp2p), hangUpAll(ours.node.libp2p)]);
    await sleep(parameters.offlineMs);
    await Promise.all([requireNoConnections(sdk.node.libp2p, network), requireNoConnections(ours.node.libp2p, network)]);

    const window = { since: now(), capMs: parameters.capMs };
    network.goOnline();
    const sdkSample = untilRequirementsMet(sdk.node.libp2p, window);
    const [oursSample, oursStatus] = await Promise.all([
      untilRequirementsMet(ours.node.libp2p, window),
      waitForState(ours.manager.store, (state) => state.status === "connected", window),
    ]);
    startNext();
    return { ours: oursSample, sdk: await sdkSample, oursStatus };
  } finally {
    await stopAll([sdk, ours]);
  }
}

async function hangUpAll(libp2p: Libp2p): Promise<void> {
  const peers = libp2p.getConnections().map((connection) => connection.remotePeer);
  await Promise.allSettled(peers.map((peer) => libp2p.hangUp(peer)));
}

/** Offline must really mean offline: a connection here would measure nothing. */
async function requireNoConnections(libp2p: Libp2p, network: DeviceNetwork): Promise<void> {
  const none = await waitForNode(libp2p, () => connectedPeerIds(libp2p).size === 0, { since: now(), capMs: 5_000 });
  if (none.capped || network.online) throw new Error("back-online: a light node kept a connection while offline");
}

function toRow(results: readonly TrialResult[], parameters: Parameters): BenchRow {
  const { ours, fields } = sideBySide(
    results.map((result) => result.ours),
    results.map((result) => result.sdk),
  );
  const status = medianSample(results.map((result) => result.oursStatus));
  return {
    name: "back-online",
    ...fields,
    unit: "ms",
    goal: `≤ ${GOAL_MS} ms`,
    met: !ours.capped && ours.value <= GOAL_MS,
    note:
      `median of ${results.length} trial(s); 3-node fleet stays up; light nodes up for ${parameters.settledMs / 1000} s ` +
      `(past the SDK's 10 s cooldown after a successful dial), then the device goes offline (dials fail, environment ` +
      `and browser online/offline events say so), every peer is hung up, ${parameters.offlineMs / 1000} s later it is ` +
      `online again; timed until the neutral observer sees the requirements met. Cap ${parameters.capMs / 1000} s ` +
      `(≥ = capped). Spread: ours ${spread(
        results.map((r) => r.ours),
        0,
      )} ms, SDK alone ${spread(
        results.map((r) => r.sdk),
        0,
      )} ms; ` +
      `ours' status said connected at a median ${show(status)} ms.`,
  };
}

const show = (sample: Sample): string => `${sample.capped ? "≥" : ""}${sample.value.toFixed(0)}`;
