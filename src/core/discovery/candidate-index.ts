import { hasTag, protocolMaskFromCodecs, tagMaskFromPeerTags } from "../peers/codecs.js";
import { INITIAL_SCORE } from "../peers/score.js";
import type { Libp2pLike, MultiaddrLike, PeerIdLike, PeerLike } from "../sdk/node-boundary.js";

export interface DialCandidate {
  id: string;
  /** What to hand to `libp2p.dial`: the peer id when the peer store can dial it, else a multiaddr. */
  target: PeerIdLike | MultiaddrLike;
  connected: boolean;
  bootstrap: boolean;
  /** Remembered by the peer cache. */
  cached: boolean;
  score: number;
  /** Epoch ms of the last failed dial. */
  lastDialFailureAt: number | undefined;
}

interface Entry {
  readonly id: string;
  /** From the peer store: dialable by id when it knows addresses. */
  peerId: PeerIdLike | undefined;
  dialableById: boolean;
  /** Known by address (configured bootstrap list, peer cache). */
  address: MultiaddrLike | undefined;
  protocolMask: number;
  tagMask: number;
  cached: boolean;
  lastDialFailureAt: number | undefined;
}

/**
 * The manager's own index of peers worth dialing: every peer store entry that offers a Waku
 * service, plus bootstrap and cached peers (they may not have identified yet, and they are the way
 * back in), plus peers known only by address. It is kept up to date by libp2p's `peer:update`
 * (every peer store write) and read once from the peer store at attach, since events before attach
 * are gone — never a full peer store scan per recovery tick (about 1 s with 4,000 peers).
 */
export interface CandidateIndex {
  /** Every candidate, in no particular order (the peer policy orders them). Never ourselves. */
  list(scoreOf: (id: string) => number | undefined): Promise<DialCandidate[]>;
  /** Adds a peer known only by address; `cached` marks it as remembered by the peer cache. */
  addAddress(id: string, address: MultiaddrLike, cached: boolean): void;
  isCached(id: string): boolean;
  noteDialFailure(id: string, at: number): void;
  noteDialSuccess(id: string): void;
  /** Every way in is tried again (a hard reconnect). */
  clearDialFailures(): void;
}

/** A bound on the index: a peer store flooded by discovery must not grow the manager with it. */
const MAX_INDEXED_PEERS = 1_000;

export function createCandidateIndex(libp2p: Libp2pLike, signal: AbortSignal, bootstrapIds: ReadonlySet<string>): CandidateIndex {
  const entries = new Map<string, Entry>();
  const self = libp2p.peerId.toString();
  let seeded: Promise<void> | undefined;

  const entryOf = (id: string): Entry => {
    let entry = entries.get(id);
    if (entry === undefined) {
      if (entries.size >= MAX_INDEXED_PEERS) evictOne();
      entry = { id, peerId: undefined, dialableById: false, address: undefined, protocolMask: 0, tagMask: 0, cached: false, lastDialFailureAt: undefined };
      entries.set(id, entry);
    }
    return entry;
  };

  const evictOne = (): void => {
    for (const entry of entries.values()) {
      if (!isAnchored(entry)) return void entries.delete(entry.id);
    }
  };

  // Entries that are a way in whatever the peer store says: configured, remembered, or known by address.
  const isAnchored = (entry: Entry): boolean => entry.cached || entry.address !== undefined || bootstrapIds.has(entry.id);

  const notePeer = (peer: PeerLike): void => {
    const id = peer.id.toString();
    if (id === self) return;
    const protocolMask = protocolMaskFromCodecs(peer.protocols);
    const tagMask = tagMaskFromPeerTags(peer.tags);
    const existing = entries.get(id);
    if (protocolMask === 0 && !hasTag(tagMask, "bootstrap") && (existing === undefined || !isAnchored(existing))) {
      if (existing !== undefined) entries.delete(id);
      return;
    }
    const entry = existing ?? entryOf(id);
    entry.peerId = peer.id;
    // An entry without addresses cannot be dialed by id (fakes and old stores may not list them).
    entry.dialableById = peer.addresses === undefined || peer.addresses.length > 0;
    entry.protocolMask = protocolMask;
    entry.tagMask = tagMask;
  };

  const onUpdate = (event: CustomEvent<{ peer: PeerLike }>): void => notePeer(event.detail.peer);
  libp2p.addEventListener("peer:update", onUpdate);
  signal.addEventListener("abort", () => {
    libp2p.removeEventListener("peer:update", onUpdate);
    entries.clear();
  });

  // Read once; a failed read is retried by the next listing and reported by its caller.
  const seed = (): Promise<void> => {
    seeded ??= libp2p.peerStore.all().then(
      (peers) => {
        for (const peer of peers) if (!entries.has(peer.id.toString())) notePeer(peer);
      },
      (error: unknown) => {
        seeded = undefined;
        throw error;
      },
    );
    return seeded;
  };
  seed().catch(() => {});

  return {
    async list(scoreOf) {
      await seed();
      const connected = new Set<string>();
      for (const connection of libp2p.getConnections()) {
        if (connection.status === "open") connected.add(connection.remotePeer.toString());
      }
      const candidates: DialCandidate[] = [];
      for (const entry of entries.values()) {
        const target = entry.peerId !== undefined && entry.dialableById ? entry.peerId : entry.address;
        if (target === undefined) continue;
        candidates.push({
          id: entry.id,
          target,
          connected: connected.has(entry.id),
          bootstrap: hasTag(entry.tagMask, "bootstrap") || bootstrapIds.has(entry.id),
          cached: entry.cached,
          score: scoreOf(entry.id) ?? INITIAL_SCORE,
          lastDialFailureAt: entry.lastDialFailureAt,
        });
      }
      return candidates;
    },
    addAddress(id, address, cached) {
      if (id === self) return;
      const entry = entryOf(id);
      entry.address = address;
      entry.cached ||= cached;
    },
    isCached: (id) => entries.get(id)?.cached === true,
    noteDialFailure(id, at) {
      const entry = entries.get(id);
      if (entry !== undefined) entry.lastDialFailureAt = at;
    },
    noteDialSuccess(id) {
      const entry = entries.get(id);
      if (entry !== undefined) entry.lastDialFailureAt = undefined;
    },
    clearDialFailures() {
      for (const entry of entries.values()) entry.lastDialFailureAt = undefined;
    },
  };
}
