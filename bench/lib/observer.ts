/**
 * The neutral observer: what any light node has, measured the same way for the SDK alone and for
 * ours, without a line of waku-peers in it. Open connections × the protocols each connected peer
 * identified, against the same requirements our defaults use (2 light push, 2 filter, 1 store).
 *
 * Protocols are taken from libp2p's own `peer:identify` and `peer:update` events as they fire (the
 * peer store's content, delivered synchronously), so a check is synchronous and its time is the
 * time of the event that made it true. A peer no event has described yet is read from the peer
 * store once. Checks run on every peer or connection event and on a 20 ms poll besides.
 */
import type { LightNode } from "@waku/sdk";

import { now } from "./time.js";
import type { Sample } from "../types.js";

export type Libp2p = LightNode["libp2p"];

export const BENCH_REQUIREMENTS = Object.freeze({ lightPush: 2, filter: 2, store: 1 });

// Spelled out rather than imported from the SDK or our core, so the observer favours neither.
const CODECS = {
  lightPush: ["/vac/waku/lightpush/3.0.0", "/vac/waku/lightpush/2.0.0-beta1"],
  filter: ["/vac/waku/filter-subscribe/2.0.0-beta1"],
  store: ["/vac/waku/store-query/3.0.0"],
} as const;

const WATCHED_EVENTS = [
  "peer:connect",
  "peer:disconnect",
  "peer:identify",
  "peer:update",
  "connection:open",
  "connection:close",
] as const;

const POLL_MS = 20;

export interface ServiceCounts {
  lightPush: number;
  filter: number;
  store: number;
}

/** Peer ids with at least one open connection. */
export function connectedPeerIds(libp2p: Libp2p): Set<string> {
  const ids = new Set<string>();
  for (const connection of libp2p.getConnections()) {
    if (connection.status === "open") ids.add(connection.remotePeer.toString());
  }
  return ids;
}

/**
 * Protocols per peer as libp2p last reported them (the peer store keeps them across disconnects,
 * so a peer that reconnects shows its old protocols until identify runs again, as in libp2p).
 */
class ProtocolBook {
  readonly #protocols = new Map<string, readonly string[]>();
  readonly #reading = new Set<string>();
  readonly #detach: () => void;

  constructor(
    private readonly libp2p: Libp2p,
    private readonly onLearned: () => void,
  ) {
    const onIdentify = (event: CustomEvent<{ peerId: { toString(): string }; protocols: string[] }>): void => {
      this.#protocols.set(event.detail.peerId.toString(), [...event.detail.protocols]);
    };
    const onUpdate = (event: CustomEvent<{ peer: { id: { toString(): string }; protocols: string[] } }>): void => {
      this.#protocols.set(event.detail.peer.id.toString(), [...event.detail.peer.protocols]);
    };
    libp2p.addEventListener("peer:identify", onIdentify);
    libp2p.addEventListener("peer:update", onUpdate);
    this.#detach = () => {
      libp2p.removeEventListener("peer:identify", onIdentify);
      libp2p.removeEventListener("peer:update", onUpdate);
    };
  }

  /** Counts now; peers not described yet are read from the peer store and count once read. */
  counts(): ServiceCounts {
    const counts: ServiceCounts = { lightPush: 0, filter: 0, store: 0 };
    const seen = new Set<string>();
    for (const connection of this.libp2p.getConnections()) {
      const id = connection.remotePeer.toString();
      if (connection.status !== "open" || seen.has(id)) continue;
      seen.add(id);
      const protocols = this.#protocols.get(id);
      if (protocols === undefined) {
        this.#read(connection.remotePeer);
        continue;
      }
      for (const name of ["lightPush", "filter", "store"] as const) {
        if (CODECS[name].some((codec) => protocols.includes(codec))) counts[name] += 1;
      }
    }
    return counts;
  }

  #read(peerId: Parameters<Libp2p["peerStore"]["get"]>[0]): void {
    const id = peerId.toString();
    if (this.#reading.has(id)) return;
    this.#reading.add(id);
    this.libp2p.peerStore.get(peerId).then(
      (peer) => {
        this.#reading.delete(id);
        if (!this.#protocols.has(id)) this.#protocols.set(id, [...peer.protocols]);
        this.onLearned();
      },
      () => this.#reading.delete(id),
    );
  }

  detach(): void {
    this.#detach();
  }
}

const meets = (counts: ServiceCounts): boolean =>
  counts.lightPush >= BENCH_REQUIREMENTS.lightPush &&
  counts.filter >= BENCH_REQUIREMENTS.filter &&
  counts.store >= BENCH_REQUIREMENTS.store;

export interface WaitOptions {
  /** `performance.now()` the measurement counts from. */
  since: number;
  /** Give up this many ms after `since`; the sample is then capped at this figure. */
  capMs: number;
}

/**
 * Resolves once `check` holds with the ms from `since`, or at the cap with `capped: true`.
 * Never rejects: a check that throws counts as "not yet". `check` gets the live counts.
 */
export function waitForNode(
  libp2p: Libp2p,
  check: (counts: () => ServiceCounts) => boolean,
  options: WaitOptions,
): Promise<Sample> {
  return new Promise<Sample>((resolve) => {
    let done = false;
    const run = (): void => {
      if (done) return;
      try {
        if (check(() => book.counts())) finish({ value: Math.max(0, now() - options.since), capped: false });
      } catch {
        // not yet
      }
    };
    const book = new ProtocolBook(libp2p, run);
    const finish = (sample: Sample): void => {
      if (done) return;
      done = true;
      clearInterval(poll);
      clearTimeout(cap);
      book.detach();
      for (const name of WATCHED_EVENTS) libp2p.removeEventListener(name, run);
      resolve(sample);
    };
    const poll = setInterval(run, POLL_MS);
    const cap = setTimeout(
      () => finish({ value: options.capMs, capped: true }),
      Math.max(0, options.since + options.capMs - now()),
    );
    // Registered after the book's own listeners: an identify is recorded before it is checked.
    for (const name of WATCHED_EVENTS) libp2p.addEventListener(name, run);
    run();
  });
}

/** Time until the node meets the requirements. */
export function untilRequirementsMet(libp2p: Libp2p, options: WaitOptions): Promise<Sample> {
  return waitForNode(libp2p, (counts) => meets(counts()), options);
}

/** Like {@link untilRequirementsMet}, but a failure to get there is an error (setup, not measurement). */
export async function requireRequirementsMet(libp2p: Libp2p, what: string, timeoutMs = 30_000): Promise<void> {
  let last: ServiceCounts | undefined;
  const sample = await waitForNode(
    libp2p,
    (counts) => {
      last = counts();
      return meets(last);
    },
    { since: now(), capMs: timeoutMs },
  );
  if (sample.capped) {
    throw new Error(`${what}: requirements not met within ${timeoutMs} ms (counts ${JSON.stringify(last)})`);
  }
}
