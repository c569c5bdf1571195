/**
 * The bounds a service node keeps per peer and overall, so one hostile client cannot take
 * memory or time from the others. Defaults follow nwaku / nim-libp2p where they have one.
 */
import type { NodeLimits } from "../types.js";

export const DEFAULT_NODE_LIMITS: Readonly<NodeLimits> = Object.freeze({
  // nim-libp2p's mplex refuses a connection's 201st channel.
  maxStreamsPerPeer: 200,
  // nim-libp2p closes a stream that has been idle for 5 minutes. The SDK pre-opens one stream
  // per codec and, when it finds that stream gone, simply opens another.
  idleStreamTimeoutMs: 5 * 60 * 1000,
  // nwaku's waku_filter_v2 MaxFilterCriteriaPerPeer and MaxFilterPeers.
  maxFilterCriteriaPerPeer: 1000,
  maxFilterSubscribers: 1000,
  storeMaxMessages: 100_000,
  // A fleet of five nodes each keeping the whole history stays under about 320 MiB.
  storeMaxBytes: 64 * 1024 * 1024,
});

/**
 * The node's limits: the defaults, overridden field by field.
 *
 * @example
 * resolveLimits({ idleStreamTimeoutMs: 500 }).maxStreamsPerPeer; // 200
 */
export function resolveLimits(overrides: Partial<NodeLimits> | undefined): NodeLimits {
  return { ...DEFAULT_NODE_LIMITS, ...overrides };
}

/** Accepted values of each limit, inclusive (validated by the supervisor). */
export const LIMIT_RANGES: Readonly<Record<keyof NodeLimits, readonly [min: number, max: number]>> = Object.freeze({
  maxStreamsPerPeer: [1, 100_000],
  idleStreamTimeoutMs: [1, 24 * 60 * 60 * 1000],
  maxFilterCriteriaPerPeer: [1, 10_000_000],
  maxFilterSubscribers: [1, 10_000_000],
  storeMaxMessages: [1, 100_000_000],
  storeMaxBytes: [1, 2 ** 40],
});
