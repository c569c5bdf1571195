/**
 * Messages through an outage (issue 9), both sides in the same run on the same fleet: 4 nodes,
 * node 0 hosts the publisher (10 messages a second) and a store and serves no filter; nodes 1–3
 * serve everything and are all killed for 30 s (smoke: 3 s), then restarted.
 *
 * - receive: the SDK alone (`filter.subscribe`) beside ours (`watchMessages` on the peer manager);
 *   lost = messages node 0 stored that the app never got;
 * - send: the SDK alone (`lightPush.send` every 200 ms, its default in-memory retries) beside ours
 *   (`createOutbox`, every 200 ms); both senders are kept off node 0, so the outage hits every
 *   light push peer they have; lost = never stored, duplicates = stored under more than one hash;
 * - backfill-latency: ours only, from its status back to `connected` to `sync` live with the gap
 *   filled (the SDK alone never fills a gap).
 *
 * The truth is node 0's store, read with a plain SDK store query (`lib/sdk-messaging.ts`, which
 * shares nothing with waku-peers).
 */
import type { LightNode } from "@waku/sdk";
import { utf8ToBytes } from "@waku/sdk";

import type { Fleet } from "waku-peers-fleet";
import { createOutbox, memoryStorage, watchMessages, type Outbox, type ReceivedMessage } from "../../src/core/index.js";
import { startOurs, startSdkAlone, stopAll, type SdkClient } from "../lib/clients.js";
import { withFleet } from "../lib/fleets.js";
import { requireRequirementsMet } from "../lib/observer.js";
import { PacedLoop, sdkFilterCollector, sdkSend, storeContents } from "../lib/sdk-messaging.js";
import { waitForState } from "../lib/store-watch.js";
import { now, sleep } from "../lib/time.js";
import { costRatio, median, trialCount, type BenchContext, type Benchmark, type BenchRow } from "../types.js";

const FULL_TRIALS = 3;
const OUTAGE_MS = { full: 30_000, smoke: 3_000 };
const PUBLISH_EVERY_MS = 100;
const SEND_EVERY_MS = 200;
const STORE_ONLY = ["metadata", "lightPush", "store", "peerExchange", "relay"] as const;
const BACKFILL_GOAL_MS = 1_000;
const BACKFILL_CAP_MS = 30_000;

interface Side {
  lostReceive: number;
  lostSend: number;
  duplicates: number;
}

interface TrialResult {
  published: number;
  sent: number;
  ours: Side;
  sdk: Side;
  backfillMs: number;
  backfillCapped: boolean;
  /** From connected to `sync` live again (the back-fill's settle pass included). */
  liveMs: number;
}

export const messagesBenchmark: Benchmark = {
  rows: ["messages-lost-receive", "messages-lost-send", "messages-duplicates", "backfill-latency"],
  async run(context: BenchContext): Promise<BenchRow[]> {
    const trials = trialCount(context, FULL_TRIALS);
    const outageMs = context.smoke ? OUTAGE_MS.smoke : OUTAGE_MS.full;
    return withFleet({ nodes: 4, overrides: { 0: { protocols: [...STORE_ONLY] } } }, async (fleet) => {
      const results: TrialResult[] = [];
      for (let trial = 0; trial < trials; trial++) {
        const result = await runTrial(fleet, trial, outageMs, context);
        context.log(
          `messages: trial ${trial + 1}/${trials}: receive lost ours ${result.ours.lostReceive} ` +
            `/ SDK ${result.sdk.lostReceive} of ${result.published}; ` +
            `send lost ours ${result.ours.lostSend} / SDK ${result.sdk.lostSend} of ${result.sent}; ` +
            `duplicates ours ${result.ours.duplicates} / SDK ${result.sdk.duplicates}; ` +
            `back-fill ${result.backfillCapped ? "≥" : ""}${Math.round(result.backfillMs)} ms`,
        );
        results.push(result);
      }
      return toRows(results, outageMs);
    });
  },
};

async function runTrial(fleet: Fleet, trial: number, outageMs: number, context: BenchContext): Promise<TrialResult> {
  const label = `trial-${trial}-${Date.now()}`;
  const receiveTopic = `/waku-peers-bench/1/receive-${label}/proto`;
  const sdkSendTopic = `/waku-peers-bench/1/send-sdk-${label}/proto`;
  const oursSendTopic = `/waku-peers-bench/1/send-ours-${label}/proto`;
  const storeNode = fleet.nodes[0]!;
  const offStoreNode = {
    bootstrapPeers: [fleet.nodes[1]!.multiaddr],
    libp2p: { connectionGater: { denyDialPeer: (peerId: { toString(): string }) => peerId.toString() === storeNode.peerId } },
  };
  const clients: (SdkClient | undefined)[] = [];
  const loops: PacedLoop[] = [];
  let outbox: Outbox | undefined;
  let stopWatcher = (): void => {};
  const startedAt = Date.now();
  try {
    const publisher = await startSdkAlone(fleet, {
      nodeOptions: { discovery: { dns: false, peerExchange: false, peerCache: false } },
    });
    clients.push(publisher);
    const [sdkReceiver, oursReceiver, sdkSender, oursSender] = await Promise.all([
      startSdkAlone(fleet),
      startOurs(fleet),
      startSdkAlone(fleet, { nodeOptions: offStoreNode }),
      startOurs(fleet, { nodeOptions: offStoreNode }),
    ]);
    clients.push(sdkReceiver, oursReceiver, sdkSender, oursSender);
    await Promise.all([
      requireRequirementsMet(sdkReceiver.node.libp2p, "SDK alone receiver"),
      requireRequirementsMet(oursReceiver.node.libp2p, "ours receiver"),
      waitForLightPush(publisher.node),
      waitForLightPush(sdkSender.node),
      waitForLightPush(oursSender.node),
    ]);

    const sdkArrived = await sdkFilterCollector(sdkReceiver.node, receiveTopic);
    const oursArrived: ReceivedMessage[] = [];
    const oursArrivedAt = new Map<string, number>();
    const watcher = watchMessages(oursReceiver, {
      contentTopic: receiveTopic,
      onMessage: (message) => {
        oursArrived.push(message);
        oursArrivedAt.set(new TextDecoder().decode(message.message.payload), Date.now());
      },
      storage: false,
    });
    stopWatcher = () => watcher.stop();
    await watcher.ready;
    outbox = createOutbox(oursSender, { contentTopic: oursSendTopic, storage: memoryStorage(), locks: false });
    const ourOutbox = outbox;

    const publishing = new PacedLoop(`published ${label}`, PUBLISH_EVERY_MS, (text) =>
      publisher.node.lightPush.send(
        publisher.node.createEncoder({ contentTopic: receiveTopic }),
        { payload: utf8ToBytes(text) },
        { autoRetry: false },
      ),
    );
    const sdkSending = new PacedLoop(`sdk ${label}`, SEND_EVERY_MS, sdkSend(sdkSender.node, sdkSendTopic));
    const oursSending = new PacedLoop(`ours ${label}`, SEND_EVERY_MS, (text) => ourOutbox.send(utf8ToBytes(text)));
    loops.push(publishing, sdkSending, oursSending);
    await sleep(context.smoke ? 1_000 : 3_000);

    const victims = [1, 2, 3];
    const killedAt = Date.now();
    await Promise.all(victims.map((index) => fleet.kill(index)));
    await sleep(outageMs);
    await Promise.all(victims.map((index) => fleet.restart(index)));
    const restartedAt = Date.now();

    const connected = await waitForState(oursReceiver.manager.store, (state) => state.status === "connected", {
      since: now(),
      capMs: 60_000,
    });
    const connectedAt = Date.now();
    const live = connected.capped ? { value: BACKFILL_CAP_MS, capped: true } : await untilLive(watcher, now(), BACKFILL_CAP_MS);

    // A tail after recovery, then everything still queued or retrying gets its chance to land.
    await sleep(context.smoke ? 500 : 5_000);
    await Promise.all(loops.map((loop) => loop.stop()));
    await drained(ourOutbox, context.smoke ? 5_000 : 45_000);
    // The SDK alone's in-memory retries (3 attempts, 1 s apart) get their chance too.
    await sleep(context.smoke ? 1_500 : 10_000);

    const [received, sdkStored, oursStored] = await Promise.all([
      storeContents(publisher.node, receiveTopic, storeNode.peerId, startedAt),
      storeContents(publisher.node, sdkSendTopic, storeNode.peerId, startedAt),
      storeContents(publisher.node, oursSendTopic, storeNode.peerId, startedAt),
    ]);
    const published = [...received.keys()];
    const oursTexts = oursArrived.map((message) => new TextDecoder().decode(message.message.payload));
    // The gap: what was published while every filter node was down. Filled when the last of it arrived.
    const gap = published.filter((text) => {
      const at = publishing.sentAt.get(text);
      return at !== undefined && at >= killedAt && at <= restartedAt;
    });
    const arrivals = gap.map((text) => oursArrivedAt.get(text));
    const backfill = arrivals.some((at) => at === undefined)
      ? { value: BACKFILL_CAP_MS, capped: true }
      : { value: Math.max(0, Math.max(...(arrivals as number[])) - connectedAt), capped: false };
    context.log(
      `messages: gap of ${gap.length} filled ${backfill.capped ? "never" : `${backfill.value} ms after connected`}; ` +
        `sync live ${Math.round(live.value)} ms after connected`,
    );
    return {
      published: published.length,
      sent: oursSending.texts.length,
      ours: sideResult(published, oursTexts, oursSending.texts, oursStored),
      sdk: sideResult(published, sdkArrived, sdkSending.texts, sdkStored),
      backfillMs: backfill.value,
      backfillCapped: backfill.capped,
      liveMs: live.value,
    };
  } finally {
    await Promise.all(loops.map((loop) => loop.stop()));
    stopWatcher();
    outbox?.stop();
    await stopAll(clients);
  }
}

function sideResult(
  published: readonly string[],
  arrived: readonly string[],
  sent: readonly string[],
  stored: Map<string, string[]>,
): Side {
  const got = new Set(arrived);
  return {
    lostReceive: published.filter((text) => !got.has(text)).length,
    lostSend: sent.filter((text) => !stored.has(text)).length,
    // Stored under several hashes (re-encoded retries) plus deliveries the app got twice.
    duplicates: [...stored.values()].filter((hashes) => hashes.length > 1).length + (arrived.length - got.size),
  };
}

async function waitForLightPush(node: LightNode): Promise<void> {
  const deadline = now() + 30_000;
  for (;;) {
    const peers = await node.libp2p.peerStore.all();
    const open = new Set(node.libp2p.getConnections().map((connection) => connection.remotePeer.toString()));
    if (peers.some((peer) => open.has(peer.id.toString()) && peer.protocols.includes("/vac/waku/lightpush/3.0.0"))) return;
    if (now() > deadline) throw new Error("messages: a sender never got a light push peer");
    await sleep(50);
  }
}

/** From `since` until the watcher is live again (the gap filled), capped. */
function untilLive(
  watcher: ReturnType<typeof watchMessages>,
  since: number,
  capMs: number,
): Promise<{ value: number; capped: boolean }> {
  return new Promise((resolve) => {
    const finish = (capped: boolean): void => {
      clearTimeout(timer);
      unsubscribe();
      resolve({ value: capped ? capMs : Math.max(0, now() - since), capped });
    };
    const unsubscribe = watcher.subscribeSync((sync) => {
      if (sync.status === "live") finish(false);
    });
    const timer = setTimeout(() => finish(true), capMs);
    if (watcher.getSync().status === "live") finish(false);
  });
}

/** Until nothing is queued, sending, or sent but not yet found in a store (the outbox resends those), capped. */
async function drained(outbox: Outbox, capMs: number): Promise<void> {
  const deadline = now() + capMs;
  const unsettled = (): boolean => outbox.getSnapshot().items.some((item) => ["queued", "sending", "sent"].includes(item.status));
  while (unsettled() && now() < deadline) await sleep(100);
}

function toRows(results: readonly TrialResult[], outageMs: number): BenchRow[] {
  const med = (pick: (result: TrialResult) => number): number => median(results.map(pick));
  const of = (pick: (result: TrialResult) => number): string => results.map(pick).join(", ");
  const setting =
    `median of ${results.length} trial(s); 4-node fleet, nodes 1–3 ` +
    `(every filter node and every light push peer of the senders) killed ${outageMs / 1000} s`;
  const lostRow = (
    name: string,
    pick: (side: Side) => number,
    total: (result: TrialResult) => number,
    what: string,
  ): BenchRow => {
    const ours = med((result) => pick(result.ours));
    const baseline = med((result) => pick(result.sdk));
    return {
      name,
      ours,
      baseline,
      ratio: costRatio(ours, baseline),
      unit: "messages",
      goal: "0 lost",
      met: ours === 0,
      note:
        `${setting}; ${what} (of ${of(total)} per trial); ` +
        `ours per trial: ${of((result) => pick(result.ours))}, ` +
        `SDK alone: ${of((result) => pick(result.sdk))}`,
    };
  };
  const backfill = median(results.map((result) => result.backfillMs));
  return [
    lostRow(
      "messages-lost-receive",
      (side) => side.lostReceive,
      (result) => result.published,
      "published messages in node 0's store the app never got; ours: watchMessages, SDK alone: filter.subscribe",
    ),
    lostRow(
      "messages-lost-send",
      (side) => side.lostSend,
      (result) => result.sent,
      "messages sent every 200 ms never stored; ours: createOutbox, SDK alone: lightPush.send with autoRetry",
    ),
    {
      ...lostRow(
        "messages-duplicates",
        (side) => side.duplicates,
        (result) => result.sent,
        "sent messages stored under more than one hash, plus received messages the app got twice",
      ),
      goal: "0 duplicates",
    },
    {
      name: "backfill-latency",
      ours: backfill,
      baseline: null,
      ratio: null,
      unit: "ms",
      goal: `≤ ${BACKFILL_GOAL_MS} ms on loopback`,
      met: results.every((result) => !result.backfillCapped) && backfill <= BACKFILL_GOAL_MS,
      oursCapped: results.some((result) => result.backfillCapped),
      note:
        `${setting}; from ours' status back to connected to the last message published during the outage delivered ` +
        `(0 when the gap was filled before the status said connected); ` +
        `per trial: ${of((result) => Math.round(result.backfillMs))} ms; ` +
        `sync back to live after: ${of((result) => Math.round(result.liveMs))} ms; the SDK alone never fills the gap`,
    },
  ];
}
