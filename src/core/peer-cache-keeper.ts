import type { Clock, TimerHandle } from "./clock.js";
import type { AddressCandidate } from "./dial-candidates.js";
import type { Libp2pLike } from "./node-boundary.js";
import type { CachedPeer } from "./peer-cache.js";
import { cacheableAddress, loadPeerCache, mergeCachedPeers, sameCachedPeers, savePeerCache } from "./peer-cache.js";
import type { PeerRecord } from "./peer-table.js";
import type { ResolvedPeerCache } from "./resolve-options.js";

export interface PeerCacheKeeperContext {
  options: ResolvedPeerCache;
  clock: Clock;
  libp2p: Libp2pLike;
  parseMultiaddr: (address: string) => import("./node-boundary.js").MultiaddrLike;
  /** Connected peers serving well enough to remember. */
  goodPeers(): Iterable<PeerRecord>;
  /** Replaced peers are not remembered. */
  excluded(id: string): boolean;
  /** A write failed (quota, disabled storage). */
  failed(reason: string): void;
}

export interface PeerCacheKeeper {
  /** Peers remembered at start, newest first. */
  readonly loaded: readonly CachedPeer[];
  isCached(id: string): boolean;
  /** Remembered peers as dialable addresses (for peers the peer store does not know). */
  addressCandidates(): AddressCandidate[];
  /** The peers changed: save (debounced). */
  changed(): void;
  /** Drop a peer now (it was replaced). */
  forget(id: string): void;
  /** Writes a pending save at once and stops. */
  stop(): void;
}

/**
 * The runtime side of the peer cache: loads it once (validated, see `peer-cache.ts`), offers its
 * peers as dial candidates, and saves the peers serving well now, debounced so a burst of
 * connections costs one write, and only when the set of remembered peers really changed.
 */
export function createPeerCacheKeeper(context: PeerCacheKeeperContext): PeerCacheKeeper {
  const { options, clock } = context;
  const limits = () => ({
    maxPeers: options.maxPeers,
    maxAgeMs: options.maxAgeMs,
    now: clock.now(),
    parseMultiaddr: context.parseMultiaddr,
  });
  const loaded = loadPeerCache(options.storage, options.key, limits());
  let remembered: CachedPeer[] = loaded;
  const cachedIds = new Set(loaded.map((peer) => peer.id));
  const addresses: AddressCandidate[] = [];
  for (const peer of loaded) {
    try {
      addresses.push({ id: peer.id, address: context.parseMultiaddr(peer.addrs[0] as string) });
    } catch {
      // validated on load; a parser that changed its mind just loses the entry
    }
  }
  let timer: TimerHandle | undefined;
  let stopped = false;

  const current = (): CachedPeer[] => {
    const now = clock.now();
    const peers: CachedPeer[] = [];
    for (const record of context.goodPeers()) {
      const connection = context.libp2p.getConnections(record.peerId).find((candidate) => candidate.status === "open");
      if (connection === undefined) continue;
      peers.push({ id: record.id, addrs: [cacheableAddress(connection.remoteAddr.toString(), record.id)], lastSeen: now, score: record.score });
    }
    return peers;
  };

  const save = (): void => {
    timer = undefined;
    const next = mergeCachedPeers(remembered, current(), context.excluded, limits());
    if (sameCachedPeers(next, remembered) && next.length === remembered.length && !stale(remembered)) return;
    remembered = next;
    const error = savePeerCache(options.storage, options.key, next);
    if (error !== undefined) context.failed(`peer cache not saved: ${error}`);
  };

  // Timestamps are refreshed at most hourly: a long session does not rewrite storage for nothing.
  const stale = (peers: readonly CachedPeer[]): boolean => peers.some((peer) => clock.now() - peer.lastSeen > 60 * 60 * 1_000);

  return {
    loaded,
    isCached: (id) => cachedIds.has(id),
    addressCandidates: () => addresses.filter((candidate) => !context.excluded(candidate.id)),
    changed() {
      if (stopped || options.storage === undefined || timer !== undefined) return;
      timer = clock.setTimeout(save, options.saveDelayMs);
    },
    forget(id) {
      if (!remembered.some((peer) => peer.id === id)) return;
      remembered = remembered.filter((peer) => peer.id !== id);
      const error = savePeerCache(options.storage, options.key, remembered);
      if (error !== undefined) context.failed(`peer cache not saved: ${error}`);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer !== undefined) {
        clock.clearTimeout(timer);
        save();
      }
    },
  };
}
