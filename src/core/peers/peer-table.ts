import type { ConnectionLike, Libp2pLike, PeerIdLike, PeerLike } from "../sdk/node-boundary.js";
import type { PeerCounts } from "../state/health.js";
import { NO_PEERS } from "../state/health.js";
import type { PeerFailure, PeerInfo } from "../types.js";
import {
  PROTOCOL_NAMES,
  protocolBit,
  protocolMaskFromCodecs,
  protocolNamesFromMask,
  tagMaskFromPeerTags,
  tagNamesFromMask,
} from "./codecs.js";
import { INITIAL_SCORE } from "./score.js";

/**
 * Disconnected service peers stay in the table (with `connected: false`) so the UI can show them
 * as recently lost and their score survives a quick reconnect; the oldest are forgotten past this.
 */
const MAX_RETAINED_DISCONNECTED_PEERS = 32;

/** Light push, filter and store: the protocols a peer serves the app with (peer exchange only helps find them). */
const SERVICE_MASK = protocolBit("lightPush") | protocolBit("filter") | protocolBit("store");

/**
 * Round trips are published only when they change meaningfully (by max(10 ms, 25 %)): ping jitter
 * would otherwise rewrite `peers` every liveness round and re-render an idle page. A loaded
 * machine's loopback swings 5-7 ms around 15 ms even smoothed (5 publishes a minute at 5 ms); a
 * person reading the figure cares about 15 against 40 ms, not 15 against 20.
 *
 * @example
 * isMeaningfulRttChange(20, 27); // false
 * isMeaningfulRttChange(20, 31); // true
 */
export function isMeaningfulRttChange(published: number | undefined, measured: number | undefined): boolean {
  if (published === undefined || measured === undefined) return published !== measured;
  return Math.abs(measured - published) >= Math.max(10, published * 0.25);
}

export function isServiceRecord(record: PeerRecord): boolean {
  return (record.protocolMask & SERVICE_MASK) !== 0;
}

/** What the manager remembers about one peer between events. */
export interface PeerRecord {
  readonly id: string;
  /** libp2p's own id object, handed back to `getConnections` and `dial`. */
  peerId: PeerIdLike;
  /** Named Waku protocols as a bit mask (see codecs.ts), from the latest identify or peer store entry. */
  protocolMask: number;
  /** Set once an event told us the protocols; a peer store read then no longer overrides them. */
  protocolsKnown: boolean;
  tagMask: number;
  tagsKnown: boolean;
  /** A peer store read is in flight. */
  storeReadPending: boolean;
  score: number;
  lastFailure: PeerFailure | undefined;
  /**
   * Round trip from our liveness pings, smoothed like TCP's SRTT (each sample moves it by 1/8):
   * fresher than libp2p's (10 s monitor), so preferred. On a busy machine loopback pings swing
   * between 5 and 30 ms; the smoothed figure stays put, so an idle page is not re-rendered for it.
   */
  measuredRttMs: number | undefined;
  /** The protocols this peer added to the counts at the last commit (0 while disconnected). */
  countedMask: number;
  /** The row last published in `peers`. */
  info: PeerInfo | undefined;
}

export interface PeerTableSnapshot {
  peers: Readonly<Record<string, PeerInfo>>;
  counts: PeerCounts;
}

type Peers = Readonly<Record<string, PeerInfo>>;

/**
 * The peer table: libp2p connections × identified protocols.
 *
 * Event handlers only update a record and mark it dirty (O(1)); `commit()` then looks at the dirty
 * peers alone — reads their open connections, rebuilds their rows, adjusts the protocol counts by
 * difference — and returns the same `peers` and `counts` objects when nothing visible changed.
 * Cost per commit is proportional to the peers that changed, not to the table's size (apart from
 * copying the `peers` object when a row did change).
 *
 * A peer counts for a protocol only while it has an open connection: the peer store keeps the
 * protocols of disconnected peers. Marking a peer dirty calls `onDirty` (the manager schedules
 * its commit from there), so no caller has to remember to.
 */
export class PeerTable {
  readonly #libp2p: Libp2pLike;
  readonly #onDirty: () => void;
  readonly #records = new Map<string, PeerRecord>();
  readonly #dirty = new Set<string>();
  /** Disconnected peers kept in the table, oldest first (a Set keeps insertion order). */
  readonly #retained = new Set<string>();
  #counts: PeerCounts = NO_PEERS;
  #membership = 0;
  // Scratch of the commit in progress.
  #base: Peers = {};
  #nextPeers: Record<string, PeerInfo> | undefined;
  #nextCounts: Record<keyof PeerCounts, number> | undefined;

  constructor(libp2p: Libp2pLike, onDirty: () => void) {
    this.#libp2p = libp2p;
    this.#onDirty = onDirty;
  }

  #markDirty(id: string): void {
    this.#dirty.add(id);
    this.#onDirty();
  }

  get(id: string): PeerRecord | undefined {
    return this.#records.get(id);
  }

  /** The record of a peer we hold a connection to, created on first sight. */
  track(peerId: PeerIdLike): PeerRecord {
    const id = peerId.toString();
    let record = this.#records.get(id);
    if (record === undefined) {
      record = {
        id,
        peerId,
        protocolMask: 0,
        protocolsKnown: false,
        tagMask: 0,
        tagsKnown: false,
        storeReadPending: false,
        score: INITIAL_SCORE,
        lastFailure: undefined,
        measuredRttMs: undefined,
        countedMask: 0,
        info: undefined,
      };
      this.#records.set(id, record);
    }
    this.#markDirty(id);
    return record;
  }

  /** Marks a known peer for re-evaluation (its connections changed). Unknown peers are ignored. */
  touch(id: string): void {
    if (this.#records.has(id)) this.#markDirty(id);
  }

  /** `peer:identify`: the protocols the peer just announced on a live connection. */
  setProtocols(record: PeerRecord, codecs: Iterable<string>): void {
    record.protocolMask = protocolMaskFromCodecs(codecs);
    record.protocolsKnown = true;
    this.#markDirty(record.id);
  }

  /**
   * A peer store entry. From `peer:update` it is the newest truth (`authoritative`); from our own
   * asynchronous read it only fills what no event has told us since.
   */
  applyPeerStoreEntry(record: PeerRecord, peer: PeerLike, authoritative: boolean): void {
    if (authoritative || !record.protocolsKnown) {
      record.protocolMask = protocolMaskFromCodecs(peer.protocols);
      record.protocolsKnown = true;
    }
    if (authoritative || !record.tagsKnown) {
      record.tagMask = tagMaskFromPeerTags(peer.tags);
      record.tagsKnown = true;
    }
    this.#markDirty(record.id);
  }

  updateScore(record: PeerRecord, score: number, failure?: PeerFailure): void {
    record.score = score;
    if (failure !== undefined) record.lastFailure = failure;
    this.#markDirty(record.id);
  }

  /** A liveness ping answered in `rttMs`; the row changes only when the smoothed figure moved meaningfully. */
  setMeasuredRtt(record: PeerRecord, rttMs: number): void {
    const smoothed = record.measuredRttMs === undefined ? rttMs : record.measuredRttMs + (rttMs - record.measuredRttMs) / 8;
    record.measuredRttMs = smoothed;
    if (isMeaningfulRttChange(record.info?.rttMs, Math.round(smoothed))) this.#markDirty(record.id);
  }

  /**
   * Changes whenever a commit connected or disconnected a peer or changed what a connected peer
   * serves: the peer policy only has work then, not for a new round trip or score.
   */
  get membership(): number {
    return this.#membership;
  }

  isConnected(id: string): boolean {
    return this.#records.get(id)?.info?.connected === true;
  }

  /** Peers connected at the last commit. */
  connectedRecords(): PeerRecord[] {
    const connected: PeerRecord[] = [];
    for (const record of this.#records.values()) if (record.info?.connected === true) connected.push(record);
    return connected;
  }

  /** Applies every change since the last commit; unchanged parts keep their identity. */
  commit(previous: Peers): PeerTableSnapshot {
    if (this.#dirty.size === 0) return { peers: previous, counts: this.#counts };
    this.#base = previous;
    for (const id of this.#dirty) {
      const record = this.#records.get(id);
      if (record === undefined) continue;
      const connections = this.#openConnections(record.peerId);
      const connected = connections.length > 0;

      const countedMask = connected ? record.protocolMask : 0;
      if (countedMask !== record.countedMask) {
        this.#nextCounts ??= { ...this.#counts };
        adjustCounts(this.#nextCounts, record.countedMask, countedMask);
        record.countedMask = countedMask;
      }

      if (!connected && record.protocolMask === 0) {
        // A peer that never offered a Waku service is of no interest once it is gone.
        this.#forget(record);
        continue;
      }
      if (connected) this.#retained.delete(id);
      else if (!this.#retained.has(id)) this.#retained.add(id);

      const info = buildPeerInfo(record, connections);
      if (info.connected !== record.info?.connected || (connected && info.protocols !== record.info?.protocols))
        this.#membership++;
      if (info !== record.info) {
        record.info = info;
        this.#writable()[id] = info;
      }
    }
    this.#dirty.clear();

    for (const id of this.#retained) {
      if (this.#retained.size <= MAX_RETAINED_DISCONNECTED_PEERS) break;
      const record = this.#records.get(id);
      if (record !== undefined) this.#forget(record);
    }

    if (this.#nextCounts !== undefined) this.#counts = Object.freeze(this.#nextCounts);
    const peers = this.#nextPeers === undefined ? previous : Object.freeze(this.#nextPeers);
    this.#nextPeers = undefined;
    this.#nextCounts = undefined;
    return { peers, counts: this.#counts };
  }

  /** The `peers` object being built by this commit: a copy of the previous one, made on the first change. */
  #writable(): Record<string, PeerInfo> {
    this.#nextPeers ??= { ...this.#base };
    return this.#nextPeers;
  }

  /** Forgets everything (after `stop()`). */
  clear(): void {
    this.#records.clear();
    this.#dirty.clear();
    this.#retained.clear();
    this.#counts = NO_PEERS;
  }

  #forget(record: PeerRecord): void {
    this.#records.delete(record.id);
    this.#retained.delete(record.id);
    if (record.info !== undefined) delete this.#writable()[record.id];
  }

  #openConnections(peerId: PeerIdLike): ConnectionLike[] {
    const connections = this.#libp2p.getConnections(peerId);
    // libp2p lists a closing connection until it is gone; it carries no traffic any more.
    return connections.every(isOpen) ? connections : connections.filter(isOpen);
  }
}

function isOpen(connection: ConnectionLike): boolean {
  return connection.status === "open";
}

function adjustCounts(counts: Record<keyof PeerCounts, number>, before: number, after: number): void {
  for (const name of PROTOCOL_NAMES) {
    const bit = protocolBit(name);
    counts[name] += ((after & bit) !== 0 ? 1 : 0) - ((before & bit) !== 0 ? 1 : 0);
  }
  counts.servicePeers += (after !== 0 ? 1 : 0) - (before !== 0 ? 1 : 0);
}

/** The public row of a peer; the previous row itself when nothing in it changed. */
function buildPeerInfo(record: PeerRecord, connections: readonly ConnectionLike[]): PeerInfo {
  const previous = record.info;
  const connected = connections.length > 0;
  let address: string | undefined;
  let connectedSince: number | undefined;
  let rttMs: number | undefined = record.measuredRttMs === undefined ? undefined : Math.round(record.measuredRttMs);
  for (const connection of connections) {
    if (connectedSince === undefined || connection.timeline.open < connectedSince) {
      connectedSince = connection.timeline.open;
      address = connection.remoteAddr.toString();
    }
    rttMs ??= connection.rtt;
  }
  // Once disconnected, the last measured round trip is still the best figure there is.
  rttMs ??= connected ? undefined : previous?.rttMs;
  if (!isMeaningfulRttChange(previous?.rttMs, rttMs)) rttMs = previous?.rttMs;
  const protocols = protocolNamesFromMask(record.protocolMask) as PeerInfo["protocols"];
  const tags = tagNamesFromMask(record.tagMask) as PeerInfo["tags"];
  if (
    previous !== undefined &&
    previous.connected === connected &&
    previous.protocols === protocols &&
    previous.tags === tags &&
    previous.address === address &&
    previous.connectedSince === connectedSince &&
    previous.rttMs === rttMs &&
    previous.score === record.score &&
    previous.lastFailure === record.lastFailure
  ) {
    return previous;
  }
  return Object.freeze({
    id: record.id,
    protocols,
    tags,
    address,
    connected,
    connectedSince,
    rttMs,
    score: record.score,
    lastFailure: record.lastFailure,
  });
}
