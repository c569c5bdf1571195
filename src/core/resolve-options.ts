import type { BackoffPolicy } from "./backoff.js";
import type { Clock } from "./clock.js";
import { systemClock } from "./clock.js";
import {
  DEFAULT_BACKOFF_FAST_PHASE_MS,
  DEFAULT_BACKOFF_FAST_TIERS_MS,
  DEFAULT_BACKOFF_JITTER,
  DEFAULT_BACKOFF_SLOW_TIERS_MS,
  DEFAULT_CANARY_FIRST_DELAY_MS,
  DEFAULT_CANARY_INTERVAL_MS,
  DEFAULT_CANARY_TIMEOUT_MS,
  DEFAULT_DIAL_CONCURRENCY,
  DEFAULT_DIAL_TIMEOUT_MS,
  DEFAULT_LIVENESS_INTERVAL_MS,
  DEFAULT_LIVENESS_TIMEOUT_MS,
  DEFAULT_LOST_CONNECTION_GRACE_MS,
  DEFAULT_MAX_BOOTSTRAP_SERVICE_PEERS,
  DEFAULT_MAX_DIALS_PER_TICK,
  DEFAULT_MAX_EVENTS,
  DEFAULT_PEER_CACHE_KEY,
  DEFAULT_PEER_CACHE_MAX_AGE_MS,
  DEFAULT_PEER_CACHE_MAX_PEERS,
  DEFAULT_PEER_CACHE_SAVE_DELAY_MS,
  DEFAULT_QUARANTINE_MS,
  DEFAULT_RECONNECT_TIMEOUT_MS,
  DEFAULT_RECOVERY_STARTUP_DELAY_MS,
  DEFAULT_REPLACE_BELOW_SCORE,
  DEFAULT_REQUIREMENTS,
  MAX_SCORE,
  PROTOCOL_NAMES,
} from "./constants.js";
import type { Environment } from "./environment.js";
import { browserEnvironment } from "./environment.js";
import { WakuPeersError } from "./errors.js";
import type { MultiaddrLike } from "./node-boundary.js";
import { defaultPeerCacheStorage } from "./peer-cache.js";
import type { PeerCacheStorage, PeerManagerOptions, Requirements } from "./types.js";

/**
 * Called by `reconnect({ hard: true })` when re-discovery did not meet the requirements. The
 * provider wires it when it owns the node (the core cannot create nodes). Resolving `false` (or
 * throwing) reports the reconnect as failed; anything else as done.
 */
export type RecreateNode = () => Promise<boolean | void> | boolean | void;

/** Options of `createPeerManager`: the public {@link PeerManagerOptions} plus the core's seams. */
export interface CreatePeerManagerOptions extends PeerManagerOptions {
  /** Time source and timers. Default: the real clock. */
  clock?: Clock;
  /** Connectivity hints. Default: `browserEnvironment()` (window events when there is a window; none in Node or SSR). */
  environment?: Environment;
  /** Parallel dials during `reconnect()`. Default 3. */
  dialConcurrency?: number;
  /**
   * Runs discovery again; called by `reconnect({ hard: true })` next to the re-dials. The provider
   * supplies it because discovery is configured when the node is created.
   */
  rediscover?: () => Promise<void> | void;
  /** See {@link RecreateNode}. Without it a failed hard reconnect says so and recreates nothing. */
  recreateNode?: RecreateNode;
  /** Uniform in [0, 1): candidate shuffling and backoff jitter. Default `Math.random`. */
  random?: () => number;
  /** Multiaddr parser for cached and configured addresses. Default `@multiformats/multiaddr`. */
  parseMultiaddr?: (address: string) => MultiaddrLike;
}

export interface ResolvedLiveness {
  intervalMs: number;
  timeoutMs: number;
}

export interface ResolvedRecovery {
  maxDialsPerTick: number;
  dialTimeoutMs: number;
  startupDelayMs: number;
  giveUpAfterMs: number | undefined;
  backoff: BackoffPolicy;
}

export interface ResolvedPeerPolicy {
  maxBootstrapServicePeers: number;
  replaceBelowScore: number;
  quarantineMs: number;
}

export interface ResolvedPeerCache {
  storage: PeerCacheStorage | undefined;
  key: string;
  maxPeers: number;
  maxAgeMs: number;
  saveDelayMs: number;
}

export interface ResolvedCanary {
  intervalMs: number;
  firstDelayMs: number;
  timeoutMs: number;
}

export interface ResolvedOptions {
  requirements: Readonly<Requirements>;
  maxEvents: number;
  reconnectTimeoutMs: number;
  lostConnectionGraceMs: number;
  dialConcurrency: number;
  clock: Clock;
  environment: Environment;
  rediscover: (() => Promise<void> | void) | undefined;
  recreateNode: RecreateNode | undefined;
  random: () => number;
  parseMultiaddr: ((address: string) => MultiaddrLike) | undefined;
  liveness: ResolvedLiveness | undefined;
  recovery: ResolvedRecovery | undefined;
  peerPolicy: ResolvedPeerPolicy;
  peerCache: ResolvedPeerCache | undefined;
  filterCanary: ResolvedCanary | undefined;
  bootstrapPeers: readonly string[];
}

/** Fills defaults and rejects bad values with one error naming every problem. */
export function resolveOptions(options: CreatePeerManagerOptions = {}): ResolvedOptions {
  if (typeof options !== "object" || options === null) {
    throw new WakuPeersError("INVALID_OPTIONS", [`options must be an object, got ${describe(options)}`]);
  }
  const requirements = resolveRequirements(options.requirements);
  const issues: string[] = [];
  const maxEvents = integerOption(options.maxEvents, "maxEvents", DEFAULT_MAX_EVENTS, 0, issues);
  const reconnectTimeoutMs = durationOption(
    options.reconnectTimeoutMs,
    "reconnectTimeoutMs",
    DEFAULT_RECONNECT_TIMEOUT_MS,
    issues,
  );
  const lostConnectionGraceMs = durationOption(
    options.lostConnectionGraceMs,
    "lostConnectionGraceMs",
    DEFAULT_LOST_CONNECTION_GRACE_MS,
    issues,
  );
  const dialConcurrency = integerOption(options.dialConcurrency, "dialConcurrency", DEFAULT_DIAL_CONCURRENCY, 1, issues);
  for (const name of ["rediscover", "recreateNode", "random", "parseMultiaddr"] as const) {
    if (options[name] !== undefined && typeof options[name] !== "function") {
      issues.push(`${name} must be a function, got ${describe(options[name])}`);
    }
  }
  const liveness = resolveLiveness(options.liveness, issues);
  const recovery = resolveRecovery(options.recovery, issues);
  const peerPolicy = resolvePeerPolicy(options.peerPolicy, issues);
  const peerCache = resolvePeerCache(options.peerCache, issues);
  const filterCanary = resolveCanary(options.filterCanary, issues);
  const bootstrapPeers = resolveBootstrapPeers(options.bootstrapPeers, issues);
  if (issues.length > 0) throw new WakuPeersError("INVALID_OPTIONS", issues);
  return {
    requirements,
    maxEvents,
    reconnectTimeoutMs,
    lostConnectionGraceMs,
    dialConcurrency,
    clock: options.clock ?? systemClock,
    environment: options.environment ?? browserEnvironment(),
    rediscover: options.rediscover,
    recreateNode: options.recreateNode,
    random: options.random ?? Math.random,
    parseMultiaddr: options.parseMultiaddr,
    liveness,
    recovery,
    peerPolicy,
    peerCache,
    filterCanary,
    bootstrapPeers,
  };
}

/** `false` turns a feature off; `undefined` or an object (possibly empty) turns it on with defaults. */
function section<T extends object>(value: T | false | undefined, name: string, issues: string[]): Partial<T> | undefined {
  if (value === false) return undefined;
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    issues.push(`${name} must be an object or false, got ${describe(value)}`);
    return {};
  }
  return value;
}

function resolveLiveness(value: PeerManagerOptions["liveness"], issues: string[]): ResolvedLiveness | undefined {
  const input = section(value, "liveness", issues);
  if (input === undefined) return undefined;
  return {
    intervalMs: positiveDuration(input.intervalMs, "liveness.intervalMs", DEFAULT_LIVENESS_INTERVAL_MS, issues),
    timeoutMs: positiveDuration(input.timeoutMs, "liveness.timeoutMs", DEFAULT_LIVENESS_TIMEOUT_MS, issues),
  };
}

function resolveRecovery(value: PeerManagerOptions["recovery"], issues: string[]): ResolvedRecovery | undefined {
  const input = section(value, "recovery", issues);
  if (input === undefined) return undefined;
  const backoff = section(input.backoff, "recovery.backoff", issues) ?? {};
  const giveUpAfterMs =
    input.giveUpAfterMs === undefined
      ? undefined
      : durationOption(input.giveUpAfterMs, "recovery.giveUpAfterMs", 0, issues);
  return {
    maxDialsPerTick: integerOption(input.maxDialsPerTick, "recovery.maxDialsPerTick", DEFAULT_MAX_DIALS_PER_TICK, 1, issues),
    dialTimeoutMs: positiveDuration(input.dialTimeoutMs, "recovery.dialTimeoutMs", DEFAULT_DIAL_TIMEOUT_MS, issues),
    startupDelayMs: durationOption(input.startupDelayMs, "recovery.startupDelayMs", DEFAULT_RECOVERY_STARTUP_DELAY_MS, issues),
    giveUpAfterMs,
    backoff: {
      fastTiersMs: tiersOption(backoff.fastTiersMs, "recovery.backoff.fastTiersMs", DEFAULT_BACKOFF_FAST_TIERS_MS, issues),
      fastPhaseMs: durationOption(backoff.fastPhaseMs, "recovery.backoff.fastPhaseMs", DEFAULT_BACKOFF_FAST_PHASE_MS, issues),
      slowTiersMs: tiersOption(backoff.slowTiersMs, "recovery.backoff.slowTiersMs", DEFAULT_BACKOFF_SLOW_TIERS_MS, issues),
      jitter: fractionOption(backoff.jitter, "recovery.backoff.jitter", DEFAULT_BACKOFF_JITTER, issues),
    },
  };
}

function resolvePeerPolicy(value: PeerManagerOptions["peerPolicy"], issues: string[]): ResolvedPeerPolicy {
  const input = section(value, "peerPolicy", issues) ?? {};
  const replaceBelowScore = input.replaceBelowScore ?? DEFAULT_REPLACE_BELOW_SCORE;
  if (typeof replaceBelowScore !== "number" || !Number.isFinite(replaceBelowScore) || replaceBelowScore < 0 || replaceBelowScore > MAX_SCORE) {
    issues.push(`peerPolicy.replaceBelowScore must be a number from 0 to ${MAX_SCORE}, got ${describe(replaceBelowScore)}`);
  }
  return {
    maxBootstrapServicePeers: integerOption(
      input.maxBootstrapServicePeers,
      "peerPolicy.maxBootstrapServicePeers",
      DEFAULT_MAX_BOOTSTRAP_SERVICE_PEERS,
      0,
      issues,
    ),
    replaceBelowScore: typeof replaceBelowScore === "number" ? replaceBelowScore : DEFAULT_REPLACE_BELOW_SCORE,
    quarantineMs: durationOption(input.quarantineMs, "peerPolicy.quarantineMs", DEFAULT_QUARANTINE_MS, issues),
  };
}

function resolvePeerCache(value: PeerManagerOptions["peerCache"], issues: string[]): ResolvedPeerCache | undefined {
  const input = section(value, "peerCache", issues);
  if (input === undefined) return undefined;
  const storage = input.storage;
  if (
    storage !== undefined &&
    (typeof storage !== "object" || storage === null || typeof storage.getItem !== "function" || typeof storage.setItem !== "function")
  ) {
    issues.push(`peerCache.storage must have getItem and setItem, got ${describe(storage)}`);
  }
  const key = input.key ?? DEFAULT_PEER_CACHE_KEY;
  if (typeof key !== "string" || key.length === 0) issues.push(`peerCache.key must be a non-empty string, got ${describe(key)}`);
  return {
    storage: storage ?? defaultPeerCacheStorage(),
    key: typeof key === "string" ? key : DEFAULT_PEER_CACHE_KEY,
    maxPeers: integerOption(input.maxPeers, "peerCache.maxPeers", DEFAULT_PEER_CACHE_MAX_PEERS, 1, issues),
    maxAgeMs: positiveDuration(input.maxAgeMs, "peerCache.maxAgeMs", DEFAULT_PEER_CACHE_MAX_AGE_MS, issues),
    saveDelayMs: DEFAULT_PEER_CACHE_SAVE_DELAY_MS,
  };
}

function resolveCanary(value: PeerManagerOptions["filterCanary"], issues: string[]): ResolvedCanary | undefined {
  const input = section(value, "filterCanary", issues);
  if (input === undefined) return undefined;
  return {
    intervalMs: positiveDuration(input.intervalMs, "filterCanary.intervalMs", DEFAULT_CANARY_INTERVAL_MS, issues),
    firstDelayMs: durationOption(input.firstDelayMs, "filterCanary.firstDelayMs", DEFAULT_CANARY_FIRST_DELAY_MS, issues),
    timeoutMs: positiveDuration(input.timeoutMs, "filterCanary.timeoutMs", DEFAULT_CANARY_TIMEOUT_MS, issues),
  };
}

function resolveBootstrapPeers(value: unknown, issues: string[]): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== "string")) {
    issues.push(`bootstrapPeers must be an array of multiaddr strings, got ${describe(value)}`);
    return [];
  }
  return Object.freeze([...(value as string[])]);
}

function positiveDuration(value: unknown, name: string, fallback: number, issues: string[]): number {
  if (value === undefined) return fallback;
  if (isDuration(value) && value > 0) return value;
  issues.push(`${name} must be a finite number of ms > 0, got ${describe(value)}`);
  return fallback;
}

function fractionOption(value: unknown, name: string, fallback: number, issues: string[]): number {
  if (value === undefined) return fallback;
  if (typeof value === "number" && value >= 0 && value <= 1) return value;
  issues.push(`${name} must be a number from 0 to 1, got ${describe(value)}`);
  return fallback;
}

function tiersOption(value: unknown, name: string, fallback: readonly number[], issues: string[]): readonly number[] {
  if (value === undefined) return fallback;
  if (Array.isArray(value) && value.length > 0 && value.every(isDuration)) return Object.freeze([...(value as number[])]);
  issues.push(`${name} must be a non-empty array of durations in ms, got ${describe(value)}`);
  return fallback;
}

/**
 * Merges app requirements over {@link DEFAULT_REQUIREMENTS}. Each must be a non-negative integer;
 * an unknown key is refused rather than ignored, since it is almost always a typo ("lightpush").
 */
export function resolveRequirements(requirements: Partial<Requirements> | undefined): Readonly<Requirements> {
  if (requirements === undefined) return DEFAULT_REQUIREMENTS;
  if (typeof requirements !== "object" || requirements === null || Array.isArray(requirements)) {
    throw new WakuPeersError("INVALID_REQUIREMENTS", [
      `requirements must be an object, got ${describe(requirements)}`,
    ]);
  }
  const issues: string[] = [];
  const known = new Set<string>(PROTOCOL_NAMES);
  for (const key of Object.keys(requirements)) {
    if (!known.has(key)) issues.push(`unknown protocol "${key}" (expected one of ${PROTOCOL_NAMES.join(", ")})`);
  }
  const resolved = { ...DEFAULT_REQUIREMENTS };
  for (const name of PROTOCOL_NAMES) {
    const value: unknown = requirements[name];
    if (value === undefined) continue;
    if (!isNonNegativeInteger(value)) {
      issues.push(`${name} must be a non-negative integer, got ${describe(value)}`);
      continue;
    }
    resolved[name] = value;
  }
  if (issues.length > 0) throw new WakuPeersError("INVALID_REQUIREMENTS", issues);
  return Object.freeze(resolved);
}

function integerOption(value: unknown, name: string, fallback: number, min: number, issues: string[]): number {
  if (value === undefined) return fallback;
  if (isNonNegativeInteger(value) && value >= min) return value;
  issues.push(`${name} must be an integer >= ${min}, got ${describe(value)}`);
  return fallback;
}

function durationOption(value: unknown, name: string, fallback: number, issues: string[]): number {
  if (value === undefined) return fallback;
  if (isDuration(value)) return value;
  issues.push(`${name} must be a finite number of ms >= 0, got ${describe(value)}`);
  return fallback;
}

export function isDuration(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  return typeof value === "function" ? "a function" : String(value);
}
