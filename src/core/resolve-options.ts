import type { Clock } from "./clock.js";
import { systemClock } from "./clock.js";
import {
  DEFAULT_DIAL_CONCURRENCY,
  DEFAULT_LOST_CONNECTION_GRACE_MS,
  DEFAULT_MAX_EVENTS,
  DEFAULT_RECONNECT_TIMEOUT_MS,
  DEFAULT_REQUIREMENTS,
  PROTOCOL_NAMES,
} from "./constants.js";
import type { Environment } from "./environment.js";
import { staticOnlineEnvironment } from "./environment.js";
import { WakuPeersError } from "./errors.js";
import type { PeerManagerOptions, Requirements } from "./types.js";

/** Options of `createPeerManager`: the public {@link PeerManagerOptions} plus the core's seams. */
export interface CreatePeerManagerOptions extends PeerManagerOptions {
  /** Time source and timers. Default: the real clock. */
  clock?: Clock;
  /** Connectivity hints. Default: always online, no signals. */
  environment?: Environment;
  /** Parallel dials during `reconnect()`. Default 3. */
  dialConcurrency?: number;
  /**
   * Runs discovery again; called by `reconnect({ hard: true })` next to the re-dials. The provider
   * supplies it because discovery is configured when the node is created.
   */
  rediscover?: () => Promise<void> | void;
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
  if (options.rediscover !== undefined && typeof options.rediscover !== "function") {
    issues.push(`rediscover must be a function, got ${describe(options.rediscover)}`);
  }
  if (issues.length > 0) throw new WakuPeersError("INVALID_OPTIONS", issues);
  return {
    requirements,
    maxEvents,
    reconnectTimeoutMs,
    lostConnectionGraceMs,
    dialConcurrency,
    clock: options.clock ?? systemClock,
    environment: options.environment ?? staticOnlineEnvironment,
    rediscover: options.rediscover,
  };
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
  return typeof value === "object" || typeof value === "function" ? `a ${typeof value}` : String(value);
}
