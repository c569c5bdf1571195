import { clampScore } from "../peers/score.js";
import type { MultiaddrLike } from "../sdk/node-boundary.js";
import type { PeerCacheStorage } from "../types.js";

/** The stored format's version; a new format gets a new storage key (the default key ends in `:v1`). */
const PEER_CACHE_VERSION = 1;
/** A stored value longer than this is not even parsed. */
const MAX_STORED_CHARS = 64 * 1_024;
const MAX_ADDRS_PER_PEER = 4;
const MAX_ADDR_CHARS = 300;
/** Clock skew tolerated on a stored timestamp (it is clamped to now); beyond it the entry is garbage. */
const MAX_FUTURE_MS = 24 * 60 * 60 * 1_000;
/**
 * Sessions in which a remembered peer failed to dial while other peers served: at this many it
 * is forgotten. One is forgiven (a node restarting as the app starts); a dead node goes on the
 * second start instead of being dialed first forever.
 */
export const MAX_CACHED_DIAL_FAILURES = 2;

/** One remembered peer. */
export interface CachedPeer {
  id: string;
  /** Dialable multiaddrs, each ending in `/p2p/<id>`. */
  addrs: string[];
  /** Epoch ms the peer was last seen connected and serving. */
  lastSeen: number;
  score: number;
  /** Sessions in which its dial failed while others served (absent: none). See {@link MAX_CACHED_DIAL_FAILURES}. */
  failures?: number;
}

export interface PeerCacheLimits {
  maxPeers: number;
  maxAgeMs: number;
  now: number;
  /** Throws on an invalid address. */
  parseMultiaddr?: (address: string) => MultiaddrLike;
}

/**
 * The default storage: `localStorage` where it exists and can be read. Looked up when a manager is created, never at
 * import (servers have none; Safari in some modes throws on access), and probed without writing.
 */
export function defaultPeerCacheStorage(): PeerCacheStorage | undefined {
  try {
    const storage = (globalThis as { localStorage?: PeerCacheStorage }).localStorage;
    if (
      storage !== undefined &&
      storage !== null &&
      typeof storage.getItem === "function" &&
      typeof storage.setItem === "function"
    ) {
      return storage;
    }
  } catch {
    // Access denied (sandboxed iframe, disabled storage): remember nothing.
  }
  return undefined;
}

// Base58btc peer ids: Ed25519 (12D3KooW…), secp256k1 (16Uiu2HA…, what Waku nodes use) and RSA (Qm…).
const BASE58 = "[1-9A-HJ-NP-Za-km-z]";
const PEER_ID = new RegExp(`^(?:12D3KooW${BASE58}{44}|16Uiu2HA${BASE58}{45}|Qm${BASE58}{44})$`);
const PRINTABLE = /^[\x21-\x7e]+$/;

export function isValidPeerId(value: unknown): value is string {
  return typeof value === "string" && PEER_ID.test(value);
}

/**
 * Reads the cache. Anything malformed — not JSON, another version, too long, a wrong type, a
 * bad peer id or address, an absurd timestamp — is skipped entry by entry; this never throws.
 * Newest first, at most `maxPeers`, none older than `maxAgeMs`.
 */
export function loadPeerCache(storage: PeerCacheStorage | undefined, key: string, limits: PeerCacheLimits): CachedPeer[] {
  let raw: unknown;
  try {
    raw = storage?.getItem(key);
  } catch {
    return [];
  }
  if (typeof raw !== "string" || raw.length === 0 || raw.length > MAX_STORED_CHARS) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!isRecord(parsed) || parsed.v !== PEER_CACHE_VERSION || !Array.isArray(parsed.peers)) return [];
  const peers: CachedPeer[] = [];
  const seen = new Set<string>();
  // Bounded scan: a hostile array of a million entries costs no more than a valid one.
  for (const entry of parsed.peers.slice(0, limits.maxPeers * 4)) {
    const peer = validateEntry(entry, limits);
    if (peer === undefined || seen.has(peer.id)) continue;
    seen.add(peer.id);
    peers.push(peer);
  }
  return peers.sort((a, b) => b.lastSeen - a.lastSeen).slice(0, limits.maxPeers);
}

function validateEntry(entry: unknown, limits: PeerCacheLimits): CachedPeer | undefined {
  if (!isRecord(entry)) return undefined;
  const { id, addrs, lastSeen, score, failures } = entry;
  if (!isValidPeerId(id)) return undefined;
  if (typeof lastSeen !== "number" || !Number.isFinite(lastSeen) || lastSeen <= 0) return undefined;
  // Far in the future or too old: either way not worth a dial.
  if (lastSeen > limits.now + MAX_FUTURE_MS || limits.now - lastSeen > limits.maxAgeMs) return undefined;
  if (typeof score !== "number" || !Number.isFinite(score)) return undefined;
  if (
    failures !== undefined &&
    !(Number.isInteger(failures) && (failures as number) >= 0 && (failures as number) < MAX_CACHED_DIAL_FAILURES)
  )
    return undefined;
  if (!Array.isArray(addrs)) return undefined;
  const valid = addrs
    .slice(0, MAX_ADDRS_PER_PEER)
    .filter((addr): addr is string => isValidAddress(addr, id, limits.parseMultiaddr));
  if (valid.length === 0) return undefined;
  // Dated in the future (within the skew): seen now at the latest, or it would outrank every peer seen since, forever.
  const peer: CachedPeer = { id, addrs: valid, lastSeen: Math.min(lastSeen, limits.now), score: clampScore(score) };
  if (typeof failures === "number" && failures > 0) peer.failures = failures;
  return peer;
}

/** A printable multiaddr of sane length that names this peer and nothing relayed. */
export function isValidAddress(addr: unknown, id: string, parseMultiaddr?: (address: string) => MultiaddrLike): addr is string {
  if (typeof addr !== "string" || addr.length > MAX_ADDR_CHARS || !PRINTABLE.test(addr)) return false;
  if (!addr.startsWith("/") || !addr.endsWith(`/p2p/${id}`) || addr.includes("/p2p-circuit")) return false;
  if (addr.indexOf("/p2p/") !== addr.length - `/p2p/${id}`.length) return false;
  if (parseMultiaddr === undefined) return true;
  try {
    parseMultiaddr(addr);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes the cache; returns an error message instead of throwing (quota, disabled storage). The
 * oldest entries are left out until the value fits what {@link loadPeerCache} reads back (a
 * value over the bound would be ignored whole on the next start).
 */
export function savePeerCache(
  storage: PeerCacheStorage | undefined,
  key: string,
  peers: readonly CachedPeer[],
): string | undefined {
  if (storage === undefined) return undefined;
  try {
    const head = `{"v":${PEER_CACHE_VERSION},"peers":[`;
    const entries: string[] = [];
    let length = head.length + 2;
    for (const peer of peers) {
      const entry = JSON.stringify(peer);
      if (length + entry.length + 1 > MAX_STORED_CHARS) break;
      entries.push(entry);
      length += entry.length + 1;
    }
    storage.setItem(key, `${head}${entries.join(",")}]}`);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * The next cache content: the peers serving well now (seen now), then the remembered ones not
 * among them, minus `exclude` (replaced peers), newest first, bounded and aged.
 */
export function mergeCachedPeers(
  previous: readonly CachedPeer[],
  current: readonly CachedPeer[],
  exclude: (id: string) => boolean,
  limits: PeerCacheLimits,
): CachedPeer[] {
  const merged = new Map<string, CachedPeer>();
  for (const peer of [...current, ...previous]) {
    if (merged.has(peer.id) || exclude(peer.id)) continue;
    if (limits.now - peer.lastSeen > limits.maxAgeMs) continue;
    merged.set(peer.id, peer);
  }
  return [...merged.values()].sort((a, b) => b.lastSeen - a.lastSeen).slice(0, limits.maxPeers);
}

/** The address to remember for a connection: libp2p's remote address, with `/p2p/<id>` added when missing. */
export function cacheableAddress(remoteAddr: string, id: string): string {
  return remoteAddr.endsWith(`/p2p/${id}`) ? remoteAddr : `${remoteAddr}/p2p/${id}`;
}

export function sameCachedPeers(a: readonly CachedPeer[], b: readonly CachedPeer[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((peer, index) => {
    const other = b[index] as CachedPeer;
    return peer.id === other.id && peer.addrs.join() === other.addrs.join() && (peer.failures ?? 0) === (other.failures ?? 0);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
