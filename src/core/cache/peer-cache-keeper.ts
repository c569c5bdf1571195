import { errorMessage } from "../errors.js";
import { after } from "../lifetime/timers.js";
import type { PeerRecord } from "../peers/peer-table.js";
import { isServiceRecord } from "../peers/peer-table.js";
import type { DialPool } from "../recovery/dial-pool.js";
import type { Runtime } from "../runtime.js";
import type { CachedPeer, PeerCacheLimits } from "./peer-cache.js";
import {
  cacheableAddress,
  defaultPeerCacheStorage,
  loadPeerCache,
  MAX_CACHED_DIAL_FAILURES,
  mergeCachedPeers,
  sameCachedPeers,
  savePeerCache,
} from "./peer-cache.js";

/** Writes are debounced: a burst of connections costs one write. */
const SAVE_DELAY_MS = 2_000;
/** Timestamps are refreshed at most hourly: a long session does not rewrite storage for nothing. */
const REFRESH_AFTER_MS = 60 * 60 * 1_000;

/**
 * The runtime side of the peer cache: loads it once (validated, see `peer-cache.ts`), puts its
 * peers in the candidate index and dials them first (the SDK's bootstrap dial waits 1 s), then
 * saves the peers serving well now — debounced, only when the set really changed, and a pending
 * save is written when the manager stops. A replaced peer is forgotten at once, and so is one
 * whose address answered as another peer; one that failed to dial while others served counts a
 * failure for this session and is forgotten at {@link MAX_CACHED_DIAL_FAILURES}.
 */
export function startPeerCache(runtime: Runtime, pool: DialPool): void {
  const options = runtime.options.peerCache;
  if (options === undefined) return;
  const { clock, lifetime } = runtime;
  const storage = options.storage ?? defaultPeerCacheStorage();
  const limits = (): PeerCacheLimits => ({
    maxPeers: options.maxPeers,
    maxAgeMs: options.maxAgeMs,
    now: clock.now(),
    parseMultiaddr: runtime.parseMultiaddr,
  });
  const loaded = loadPeerCache(storage, options.key, limits());
  let remembered = loaded;
  let cancelSave: (() => void) | undefined;
  const failures = sessionFailures(loaded);
  for (const peer of loaded) {
    try {
      pool.index.addAddress(peer.id, runtime.parseMultiaddr(peer.addrs[0] as string), true);
    } catch {
      // validated on load; a parser that changed its mind just loses the entry
    }
  }

  const write = (peers: readonly CachedPeer[]): void => {
    const error = savePeerCache(storage, options.key, peers);
    if (error !== undefined) runtime.fail("STORAGE_FAILED", `peer cache not saved: ${error}`);
  };
  const save = (): void => {
    cancelSave = undefined;
    const excluded = (id: string): boolean => pool.blocks.reason(id) === "replaced" || runtime.bootstrapIds.has(id);
    const current = servingNow(runtime, pool);
    const next = mergeCachedPeers(failures.apply(remembered, current.length > 0), current, excluded, limits());
    const stale = remembered.some((peer) => clock.now() - peer.lastSeen > REFRESH_AFTER_MS);
    if (sameCachedPeers(next, remembered) && !stale) return;
    remembered = next;
    write(next);
  };

  runtime.bus.on("committed", ({ previous, next }) => {
    if (next.peers !== previous.peers) scheduleSave();
  });
  const forget = (id: string): void => {
    if (!remembered.some((peer) => peer.id === id)) return;
    remembered = remembered.filter((peer) => peer.id !== id);
    write(remembered);
  };
  const scheduleSave = (): void => {
    if (storage !== undefined && cancelSave === undefined) cancelSave = after(clock, lifetime, SAVE_DELAY_MS, save);
  };
  runtime.bus.on("replaced", forget);
  pool.onDialFailed((candidate, failure) => {
    if (!remembered.some((peer) => peer.id === candidate.id)) return;
    if (failure.wrongPeer) {
      runtime.event("peer:dial-failed", candidate.id, `peer cache: forgotten, ${failure.reason}`);
      forget(candidate.id);
      return;
    }
    failures.note(candidate.id);
    scheduleSave();
  });
  lifetime.onEnd(() => {
    if (cancelSave === undefined) return;
    cancelSave();
    save();
  });
  if (loaded.length > 0) dialRemembered(runtime, pool);
}

interface SessionFailures {
  note(id: string): void;
  /**
   * The remembered peers with this session's failures counted (once per session, and only when
   * `othersServe`: offline, every dial fails and nobody is to blame); those at the bound left out.
   */
  apply(remembered: readonly CachedPeer[], othersServe: boolean): CachedPeer[];
}

/** Which remembered peers failed to dial in this session, counted on top of what was loaded. */
function sessionFailures(loaded: readonly CachedPeer[]): SessionFailures {
  const before = new Map(loaded.map((peer) => [peer.id, peer.failures ?? 0]));
  const failed = new Set<string>();
  return {
    note: (id) => void failed.add(id),
    apply: (remembered, othersServe) =>
      remembered.flatMap((peer) => {
        if (!othersServe || !failed.has(peer.id)) return [peer];
        const count = (before.get(peer.id) ?? 0) + 1;
        return count >= MAX_CACHED_DIAL_FAILURES ? [] : [{ ...peer, failures: count }];
      }),
  };
}

/** Connected service peers serving well enough to remember: no bootstrap peer, nobody blocked or below the threshold. */
function servingNow(runtime: Runtime, pool: DialPool): CachedPeer[] {
  const now = runtime.clock.now();
  const peers: CachedPeer[] = [];
  for (const record of runtime.table.connectedRecords()) {
    if (!isGood(runtime, pool, record)) continue;
    const connection = runtime.libp2p.getConnections(record.peerId).find((candidate) => candidate.status === "open");
    if (connection === undefined) continue;
    peers.push({
      id: record.id,
      addrs: [cacheableAddress(connection.remoteAddr.toString(), record.id)],
      lastSeen: now,
      score: record.score,
    });
  }
  return peers;
}

function isGood(runtime: Runtime, pool: DialPool, record: PeerRecord): boolean {
  return (
    isServiceRecord(record) &&
    !runtime.isBootstrap(record) &&
    !pool.blocks.isBlocked(record.id) &&
    record.score >= runtime.options.peerPolicy.replaceBelowScore
  );
}

/** At start, remembered peers are dialed before anything else. */
function dialRemembered(runtime: Runtime, pool: DialPool): void {
  const budget = runtime.options.recovery?.maxDialsPerTick ?? runtime.options.dialConcurrency;
  pool
    .candidates()
    .then((candidates) => {
      const cached = candidates.filter((candidate) => candidate.cached && !candidate.connected).slice(0, budget);
      return pool.run(cached, { concurrency: budget, lifetime: runtime.lifetime });
    })
    .catch((error: unknown) => runtime.event("peer:dial-failed", undefined, `peer cache: ${errorMessage(error)}`));
}
