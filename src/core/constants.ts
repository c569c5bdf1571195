import type { ProtocolName, Requirements } from "./types.js";

/** js-waku issue 914: two light push, two filter and one store peer; peer exchange is counted, not required. */
export const DEFAULT_REQUIREMENTS: Readonly<Requirements> = Object.freeze({
  lightPush: 2,
  filter: 2,
  store: 1,
  peerExchange: 0,
});

/** Every protocol the manager counts, in the order they are shown. */
export const PROTOCOL_NAMES: readonly ProtocolName[] = Object.freeze([
  "lightPush",
  "filter",
  "store",
  "peerExchange",
]);

export const DEFAULT_MAX_EVENTS = 50;
export const DEFAULT_RECONNECT_TIMEOUT_MS = 10_000;
/** Liveblocks' figure: long enough to hide a websocket blip, short enough to be honest. */
export const DEFAULT_LOST_CONNECTION_GRACE_MS = 5_000;
/** Parallel dials during `reconnect()`: enough to refill the requirements quickly without a dial storm. */
export const DEFAULT_DIAL_CONCURRENCY = 3;

export const INITIAL_SCORE = 100;
export const MIN_SCORE = 0;
export const MAX_SCORE = 100;
export const FAILURE_PENALTY = 20;
export const SUCCESS_REWARD = 5;

/**
 * Disconnected service peers stay in the table (with `connected: false`) so the UI can show them
 * as recently lost and their score survives a quick reconnect; the oldest are forgotten past this.
 */
export const MAX_RETAINED_DISCONNECTED_PEERS = 32;

// ---- Detection -------------------------------------------------------------------------------

/**
 * Liveness pings on connected service peers. A frozen peer (SIGSTOP, a laptop lid closed on the
 * server side, a NAT that silently dropped the mapping) keeps its socket open; libp2p's own
 * connection monitor notices after about 13 s. Worst case here is interval + timeout = 4 s, inside
 * the 5 s the issue asks for. 2 s for the answer is Liveblocks' pong figure: a peer slower than
 * that is unusable for chat anyway. One ping every 2 s per service peer (about five) is a few
 * dozen bytes per second.
 */
export const DEFAULT_LIVENESS_INTERVAL_MS = 2_000;
export const DEFAULT_LIVENESS_TIMEOUT_MS = 2_000;

// ---- Recovery --------------------------------------------------------------------------------

/**
 * Backoff while below the requirements. Fast for the first minute (most outages are a restart
 * or a network switch, and a 15 s outage must recover within 2 s of the peers coming back):
 * immediately, then 250 ms, 500 ms, then every second. After a minute it climbs to 30 s so a
 * long outage costs a phone little. Jitter (up to 30 % shorter, never longer) spreads clients.
 */
export const DEFAULT_BACKOFF_FAST_TIERS_MS: readonly number[] = Object.freeze([0, 250, 500, 1_000]);
export const DEFAULT_BACKOFF_FAST_PHASE_MS = 60_000;
export const DEFAULT_BACKOFF_SLOW_TIERS_MS: readonly number[] = Object.freeze([2_000, 5_000, 10_000, 20_000, 30_000]);
export const DEFAULT_BACKOFF_JITTER = 0.3;
/** Dials started per recovery tick: enough to refill 2 + 2 + 1 peers, few enough to never storm. */
export const DEFAULT_MAX_DIALS_PER_TICK = 4;
/** A dial that has not connected by then is abandoned (libp2p's own default is 5 s as well). */
export const DEFAULT_DIAL_TIMEOUT_MS = 5_000;
/**
 * Right after attach the SDK is dialing its bootstrap peers itself (and the peer cache has been
 * dialed already); the automatic loop joins in only if that has not met the requirements by then.
 * A loss after the first connection is answered at once.
 */
export const DEFAULT_RECOVERY_STARTUP_DELAY_MS = 2_000;

// ---- Peer policy -----------------------------------------------------------------------------

/** js-waku issue 914: bootstrap nodes are for getting in; at most one serves once others suffice. */
export const DEFAULT_MAX_BOOTSTRAP_SERVICE_PEERS = 1;
/** A peer below this score is replaced: three counted protocol failures from a full score. */
export const DEFAULT_REPLACE_BELOW_SCORE = 50;
/** A replaced peer is not dialed again (by us or, where the gate is available, by the SDK) for this long. */
export const DEFAULT_QUARANTINE_MS = 120_000;
/** The score a peer gets back when its quarantine ends: on probation, two failures replace it again. */
export const PROBATION_SCORE = 70;
/** A missed filter canary is stronger evidence than one failed request: two misses replace a peer. */
export const CANARY_MISS_PENALTY = 30;
/** Candidates whose last dial failed this recently go to the end of their class. */
export const RECENT_DIAL_FAILURE_MS = 10_000;

// ---- Filter canary ---------------------------------------------------------------------------

/**
 * A filter peer that accepts subscriptions but never pushes heals in the SDK only after three
 * missed filter pings (about 3 min), and a peer that answers pings never heals. The canary
 * light-pushes a tiny ephemeral message on a dedicated content topic of the subscribed shard and
 * checks that every subscribed filter peer pushes something back. A round is skipped when every
 * subscribed peer already pushed since the last one, so an app with traffic pays nothing; a quiet
 * app pays one tiny message per 30 s.
 */
export const DEFAULT_CANARY_INTERVAL_MS = 30_000;
/** First round after a filter subscription appears (or its peers change), and the confirming round after a miss. */
export const DEFAULT_CANARY_FIRST_DELAY_MS = 5_000;
/** How long a subscribed peer has to push the probe. Loopback takes tens of ms, the real network about a second. */
export const DEFAULT_CANARY_TIMEOUT_MS = 3_000;
/**
 * Canary content topics are `/waku-peers-canary-<n>/1/probe/proto`. Autosharding hashes only the
 * application and version parts, so the shard is chosen through the application name.
 */
export const DEFAULT_CANARY_CONTENT_TOPIC_PREFIX = "/waku-peers-canary-";

// ---- Peer cache ------------------------------------------------------------------------------

/** Versioned: a future format gets a new key and the old entry is simply ignored. */
export const DEFAULT_PEER_CACHE_KEY = "waku-peers:peer-cache:v1";
export const PEER_CACHE_VERSION = 1;
export const DEFAULT_PEER_CACHE_MAX_PEERS = 20;
/** Entries not seen for a week are dropped: service nodes move. */
export const DEFAULT_PEER_CACHE_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1_000;
/** Writes are debounced: a burst of connections costs one write. */
export const DEFAULT_PEER_CACHE_SAVE_DELAY_MS = 2_000;
/** A stored value longer than this is not even parsed. */
export const PEER_CACHE_MAX_STORED_CHARS = 64 * 1_024;
export const PEER_CACHE_MAX_ADDRS_PER_PEER = 4;
export const PEER_CACHE_MAX_ADDR_CHARS = 300;
