import type { Lifetime } from "../lifetime/lifetime.js";
import { hasTag, protocolMaskFromCodecs, tagMaskFromPeerTags } from "../peers/codecs.js";
import { INITIAL_SCORE } from "../peers/score.js";
import type { IdentifyResultLike, Libp2pLike, MultiaddrLike, PeerIdLike, PeerLike } from "../sdk/node-boundary.js";

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
  /** Named by a peer-exchange answer in which other identities claimed its address too: dialed after the others. */
  contested?: boolean;
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
  /** The peer-exchange peer whose answer named it (until it identifies, that is all we know of it). */
  source: string | undefined;
  /** See {@link DialCandidate.contested}; cleared once the peer identifies. */
  contested: boolean;
  /**
   * A connection to it has opened, and identify has not said it serves no Waku protocol: a real
   * peer, not a flood's dead address, even when it went away before identifying.
   */
  reached: boolean;
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
  /**
   * Adds a peer a peer-exchange answer named (already screened and bounded per source, see
   * `bounded-peer-exchange.ts`): dialed by id once the peer store has its addresses (the SDK
   * writes them right after the answer), before it has ever identified. Forgotten after one
   * failed dial unless it has identified or connected since: a flood's dead addresses do not linger.
   */
  addDiscovered(id: string, source: string, contested: boolean): void;
  isCached(id: string): boolean;
  noteDialFailure(id: string, at: number): void;
  noteDialSuccess(id: string): void;
  /** Every way in is tried again (a hard reconnect). */
  clearDialFailures(): void;
}

/** A bound on the index: a peer store flooded by discovery must not grow the manager with it. */
const MAX_INDEXED_PEERS = 1_000;

export function createCandidateIndex(libp2p: Libp2pLike, lifetime: Lifetime, bootstrapIds: ReadonlySet<string>): CandidateIndex {
  return new Index(libp2p, lifetime, bootstrapIds);
}

class Index implements CandidateIndex {
  readonly #libp2p: Libp2pLike;
  readonly #bootstrapIds: ReadonlySet<string>;
  readonly #entries = new Map<string, Entry>();
  readonly #self: string;
  #seeded: Promise<void> | undefined;

  constructor(libp2p: Libp2pLike, lifetime: Lifetime, bootstrapIds: ReadonlySet<string>) {
    this.#libp2p = libp2p;
    this.#bootstrapIds = bootstrapIds;
    this.#self = libp2p.peerId.toString();
    const onUpdate = (event: CustomEvent<{ peer: PeerLike }>): void => this.#notePeer(event.detail.peer);
    const onConnect = (event: CustomEvent<PeerIdLike>): void => this.#noteReached(event.detail.toString());
    const onIdentify = (event: CustomEvent<IdentifyResultLike>): void => this.#noteIdentified(event.detail);
    libp2p.addEventListener("peer:update", onUpdate);
    libp2p.addEventListener("peer:connect", onConnect);
    libp2p.addEventListener("peer:identify", onIdentify);
    lifetime.onEnd(() => {
      libp2p.removeEventListener("peer:update", onUpdate);
      libp2p.removeEventListener("peer:connect", onConnect);
      libp2p.removeEventListener("peer:identify", onIdentify);
      this.#entries.clear();
    });
    this.#seed().catch(() => {});
  }

  async list(scoreOf: (id: string) => number | undefined): Promise<DialCandidate[]> {
    await this.#seed();
    const connected = new Set<string>();
    for (const connection of this.#libp2p.getConnections()) {
      if (connection.status === "open") connected.add(connection.remotePeer.toString());
    }
    const candidates: DialCandidate[] = [];
    for (const entry of this.#entries.values()) {
      const target = entry.peerId !== undefined && entry.dialableById ? entry.peerId : entry.address;
      if (target === undefined) continue;
      candidates.push({
        id: entry.id,
        target,
        connected: connected.has(entry.id),
        bootstrap: hasTag(entry.tagMask, "bootstrap") || this.#bootstrapIds.has(entry.id),
        cached: entry.cached,
        score: scoreOf(entry.id) ?? INITIAL_SCORE,
        lastDialFailureAt: entry.lastDialFailureAt,
        contested: entry.contested,
      });
    }
    return candidates;
  }

  addAddress(id: string, address: MultiaddrLike, cached: boolean): void {
    if (id === this.#self) return;
    const entry = this.#entryOf(id);
    entry.address = address;
    entry.cached ||= cached;
  }

  addDiscovered(id: string, source: string, contested: boolean): void {
    if (id === this.#self) return;
    const entry = this.#entryOf(id);
    if (entry.source !== undefined || entry.protocolMask !== 0) return;
    entry.source = source;
    entry.contested = contested;
  }

  isCached(id: string): boolean {
    return this.#entries.get(id)?.cached === true;
  }

  noteDialFailure(id: string, at: number): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    if (entry.protocolMask === 0 && !this.#isAnchored(entry) && entry.source !== undefined && !entry.reached)
      this.#entries.delete(id);
    else entry.lastDialFailureAt = at;
  }

  noteDialSuccess(id: string): void {
    const entry = this.#entries.get(id);
    if (entry !== undefined) entry.lastDialFailureAt = undefined;
  }

  clearDialFailures(): void {
    for (const entry of this.#entries.values()) entry.lastDialFailureAt = undefined;
  }

  /** Read once; a failed read is retried by the next listing and reported by its caller. */
  #seed(): Promise<void> {
    this.#seeded ??= this.#libp2p.peerStore.all().then(
      (peers) => {
        for (const peer of peers) if (!this.#entries.has(peer.id.toString())) this.#notePeer(peer);
      },
      (error: unknown) => {
        this.#seeded = undefined;
        throw error;
      },
    );
    return this.#seeded;
  }

  /** A peer store entry (from `peer:update`, or the seed read). */
  #notePeer(peer: PeerLike): void {
    const id = peer.id.toString();
    if (id === this.#self) return;
    const protocolMask = protocolMaskFromCodecs(peer.protocols);
    const tagMask = tagMaskFromPeerTags(peer.tags);
    const existing = this.#entries.get(id);
    if (protocolMask === 0 && !hasTag(tagMask, "bootstrap") && (existing === undefined || !this.#isKept(existing))) {
      if (existing !== undefined) this.#entries.delete(id);
      return;
    }
    const entry = existing ?? this.#entryOf(id);
    entry.peerId = peer.id;
    // An entry without addresses cannot be dialed by id (fakes and old stores may not list them).
    entry.dialableById = peer.addresses === undefined || peer.addresses.length > 0;
    entry.protocolMask = protocolMask;
    entry.tagMask = tagMask;
    if (protocolMask !== 0) entry.contested = false;
  }

  /** Only peers already indexed: a connection alone does not make a peer a candidate. */
  #noteReached(id: string): void {
    const entry = this.#entries.get(id);
    if (entry !== undefined) entry.reached = true;
  }

  /**
   * Identify is the only word on what a peer serves: the peer store lists a protocol or two
   * before it (the one a stream was opened with), so a short list there proves nothing.
   */
  #noteIdentified(result: IdentifyResultLike): void {
    const entry = this.#entries.get(result.peerId.toString());
    if (entry !== undefined && protocolMaskFromCodecs(result.protocols) === 0) entry.reached = false;
  }

  #entryOf(id: string): Entry {
    let entry = this.#entries.get(id);
    if (entry === undefined) {
      if (this.#entries.size >= MAX_INDEXED_PEERS) this.#evictOne();
      entry = {
        id,
        peerId: undefined,
        dialableById: false,
        address: undefined,
        protocolMask: 0,
        tagMask: 0,
        cached: false,
        source: undefined,
        contested: false,
        reached: false,
        lastDialFailureAt: undefined,
      };
      this.#entries.set(id, entry);
    }
    return entry;
  }

  /**
   * Makes room: a peer only discovery has named (never identified) goes first, then the oldest
   * other peer that is no way in. Peers that have served keep their place against a flood.
   */
  #evictOne(): void {
    let oldest: Entry | undefined;
    for (const entry of this.#entries.values()) {
      if (this.#isAnchored(entry)) continue;
      if (entry.protocolMask === 0) return void this.#entries.delete(entry.id);
      oldest ??= entry;
    }
    if (oldest !== undefined) this.#entries.delete(oldest.id);
  }

  /** A way in whatever the peer store says: configured, remembered, or known by address. */
  #isAnchored(entry: Entry): boolean {
    return entry.cached || entry.address !== undefined || this.#bootstrapIds.has(entry.id);
  }

  /** Kept while the peer store knows no protocol of it: a way in, or named by discovery and not yet dialed. */
  #isKept(entry: Entry): boolean {
    return this.#isAnchored(entry) || entry.source !== undefined;
  }
}
