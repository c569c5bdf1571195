/**
 * The naive way to follow a node's peers, as a hand-rolled hook does it: on every libp2p peer or
 * connection event, count again from scratch (open connections × peer store protocols). It is
 * correct, and it does full work on every event. Used as the baseline of the render and
 * event-cost benchmarks.
 */
import type { Libp2pLike, NodeEventName } from "../../src/core/index.js";

export const NAIVE_EVENTS: readonly NodeEventName[] = [
  "peer:connect",
  "peer:disconnect",
  "peer:identify",
  "peer:update",
  "connection:open",
  "connection:close",
];

const CODECS: Readonly<Record<string, keyof NaiveCounts>> = {
  "/vac/waku/lightpush/3.0.0": "lightPush",
  "/vac/waku/lightpush/2.0.0-beta1": "lightPush",
  "/vac/waku/filter-subscribe/2.0.0-beta1": "filter",
  "/vac/waku/store-query/3.0.0": "store",
  "/vac/waku/peer-exchange/2.0.0-alpha1": "peerExchange",
};

export interface NaiveCounts {
  lightPush: number;
  filter: number;
  store: number;
  peerExchange: number;
}

export async function countFromScratch(libp2p: Libp2pLike): Promise<NaiveCounts> {
  const counts: NaiveCounts = { lightPush: 0, filter: 0, store: 0, peerExchange: 0 };
  const peers = new Map(
    libp2p
      .getConnections()
      .filter((c) => c.status === "open")
      .map((c) => [c.remotePeer.toString(), c.remotePeer]),
  );
  const entries = await Promise.all([...peers.values()].map((peerId) => libp2p.peerStore.get(peerId).catch(() => undefined)));
  for (const entry of entries) {
    const served = new Set<keyof NaiveCounts>();
    for (const codec of entry?.protocols ?? []) {
      const name = CODECS[codec];
      if (name) served.add(name);
    }
    for (const name of served) counts[name] += 1;
  }
  return counts;
}

/** Calls `onCounts` with fresh counts after every event; returns the unsubscribe. */
export function followNaively(libp2p: Libp2pLike, onCounts: (counts: NaiveCounts) => void): () => void {
  let attached = true;
  const onEvent = (): void => {
    void countFromScratch(libp2p).then((counts) => {
      if (attached) onCounts(counts);
    });
  };
  for (const name of NAIVE_EVENTS) libp2p.addEventListener(name, onEvent);
  return () => {
    attached = false;
    for (const name of NAIVE_EVENTS) libp2p.removeEventListener(name, onEvent);
  };
}
