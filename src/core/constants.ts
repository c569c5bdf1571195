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
