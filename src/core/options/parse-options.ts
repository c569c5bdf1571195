import type { Clock } from "../lifetime/clock.js";
import type { Environment } from "../detection/environment.js";
import { WakuPeersError } from "../errors.js";
import { PROTOCOL_NAMES } from "../peers/codecs.js";
import type { BackoffPolicy } from "../recovery/backoff.js";
import type { MultiaddrLike } from "../sdk/node-boundary.js";
import type { PeerCacheStorage, PeerManagerOptions, ProtocolName, Requirements } from "../types.js";
import type { FieldValue, Issues } from "./schema.js";
import {
  callback,
  describe,
  duration,
  integer,
  isObject,
  number,
  object,
  optionalDuration,
  seam,
  text,
  tiers,
  toggle,
} from "./schema.js";

/**
 * Called by `reconnect({ hard: true })` when re-discovery did not meet the requirements. The
 * provider wires it when it owns the node (the core cannot create nodes). Resolving `false` (or
 * throwing) reports the reconnect as failed; anything else as done.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: `void` lets an app pass `async () => { ... }`, which returns Promise<void>.
export type RecreateNode = () => Promise<boolean | void> | boolean | void;

/** Options of `createPeerManager`: the public {@link PeerManagerOptions} plus the core's seams. */
export interface CreatePeerManagerOptions extends PeerManagerOptions {
  /** Time source and timers. Default: the real clock. */
  clock?: Clock;
  /** Connectivity hints. Default: `browserEnvironment()` (window events where there is a window; none in Node or SSR). */
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

/** js-waku issue 914: two light push, two filter and one store peer; peer exchange is counted, not required. */
export const DEFAULT_REQUIREMENTS: Readonly<Requirements> = Object.freeze({ lightPush: 2, filter: 2, store: 1, peerExchange: 0 });

/** A requirement above this is a typo, not a plan (a light node talks to a handful of service peers). */
const MAX_REQUIRED_PEERS = 100;

/** A backoff section (see `backoff.ts`); each use writes its own defaults once, here. */
function backoffSection(defaults: BackoffPolicy) {
  return object({
    fastTiersMs: tiers(defaults.fastTiersMs),
    fastPhaseMs: duration(defaults.fastPhaseMs),
    slowTiersMs: tiers(defaults.slowTiersMs),
    jitter: number(defaults.jitter, 0, 1),
  });
}

// The one home of every default. The README and doc comments quote these; nothing else restates them.
const SCHEMA = {
  /** Size of the recent-events ring buffer. */
  maxEvents: integer(50, 0, 10_000),
  reconnectTimeoutMs: duration(10_000),
  /** Liveblocks' figure: long enough to hide a websocket blip, short enough to be honest. */
  lostConnectionGraceMs: duration(5_000),
  /** Parallel dials during `reconnect()`: enough to refill the requirements quickly without a dial storm. */
  dialConcurrency: integer(3, 1, 64),
  /**
   * Liveness pings on connected service peers: a frozen peer keeps its socket open, and libp2p's
   * own connection monitor notices after about 13 s. A round every 500 ms; each peer's timeout
   * follows its own round trips (the 90th percentile of its last 32, times 3; the first answer
   * of each connection, which pays for its warm-up, is left out), within 800 ms and
   * 5 s, so a frozen loopback peer is out within 500 ms + 800 ms + one judging tick (under 1.5 s).
   * The floor is what a sudden rise in latency needs: a peer measured at loopback speed that
   * starts answering 300 ms ± 150 ms late (a loaded machine: up to about 500 ms) must not miss its
   * first slow ping, which is judged on the old, fast round trips. A 300 ms ± 150 ms link gets
   * about 1.3 s once measured.
   */
  liveness: toggle({
    intervalMs: duration(500, 1),
    /** The ceiling, and the timeout until a peer has answered a few pings (nothing measured yet). */
    timeoutMs: duration(5_000, 1),
    minTimeoutMs: duration(800, 1),
    rttPercentile: number(0.9, 0.5, 1),
    rttFactor: number(3, 1, 100),
    /**
     * A judging timer that fires this much past its due time means the app itself was stalled (a
     * heavy render, a debugger, a throttled tab): the round says nothing about the peers. Timers on
     * a loaded 2-core machine ran at most about 15 ms late. Bounded: the third late round in a
     * row, and any round while the device says offline, is judged anyway (see `liveness.ts`).
     */
    stallMs: duration(250, 1),
  }),
  recovery: toggle({
    /** Dials started per tick: enough to refill 2 + 2 + 1 peers, few enough to never storm. */
    maxDialsPerTick: integer(4, 1, 64),
    /** A dial that has not connected by then is abandoned (libp2p's own default is 5 s as well). */
    dialTimeoutMs: duration(5_000, 1),
    /** Right after attach the SDK dials its bootstrap peers itself; the loop joins in only if that has not sufficed by then. */
    startupDelayMs: duration(2_000),
    /** Off by default: a long outage keeps retrying on the slow tiers. */
    giveUpAfterMs: optionalDuration(),
    /**
     * Fast for the first minute (most outages are a restart or a network switch): immediately, then
     * 250 ms, 500 ms, then every second. Then up to 30 s so a long outage costs a phone little.
     * Jitter (up to 30 % shorter, never longer) spreads clients.
     */
    backoff: backoffSection({
      fastTiersMs: [0, 250, 500, 1_000],
      fastPhaseMs: 60_000,
      slowTiersMs: [2_000, 5_000, 10_000, 20_000, 30_000],
      jitter: 0.3,
    }),
    /**
     * The requirements are the minimum for `connected`; the redundancy above them (every known
     * healthy service peer up to `extraPeers` more per required protocol) is what makes the next
     * loss invisible. The SDK alone re-dials a peer that came back only after its 60 s failed-dial
     * cooldown; here each missing peer has a cadence of its own: about once a second for the first
     * minute it is missing (a restart is back within 2 s), then slower and slower (a peer gone for
     * good costs a dial a minute). At most `maxDialsPerRound` such dials at once: never a storm.
     */
    redundancy: toggle({
      extraPeers: integer(1, 0, 16),
      maxDialsPerRound: integer(2, 1, 64),
      backoff: backoffSection({
        fastTiersMs: [1_000],
        fastPhaseMs: 60_000,
        slowTiersMs: [5_000, 15_000, 30_000, 60_000],
        jitter: 0.3,
      }),
    }),
  }),
  peerPolicy: object({
    /** js-waku issue 914: bootstrap nodes are for getting in; at most one serves once others suffice. */
    maxBootstrapServicePeers: integer(1, 0, 64),
    /** Three counted protocol failures from a full score. */
    replaceBelowScore: number(50, 0, 100),
    /** A replaced peer is not dialed again (by us or, through the dial gate, by the SDK) for this long. */
    quarantineMs: duration(120_000),
  }),
  peerCache: toggle({
    /** Default (filled at start): `localStorage` where it exists and works, else nothing is remembered. */
    storage: seam<PeerCacheStorage>(["getItem", "setItem"]),
    /** Versioned: a future format gets a new key and the old entry is simply ignored. */
    key: text("waku-peers:peer-cache:v1", 200),
    maxPeers: integer(20, 1, 200),
    /** Service nodes move: entries not seen for a week are dropped. */
    maxAgeMs: duration(7 * 24 * 60 * 60 * 1_000, 1),
  }),
  /**
   * A filter peer that accepts subscriptions but never pushes heals in the SDK only after three
   * missed pings (about 3 min), one that answers pings never. A quiet app pays one tiny probe per
   * 30 s; an app whose peers push traffic pays nothing.
   */
  filterCanary: toggle({
    intervalMs: duration(30_000, 1),
    /** First round after a subscription appears (or its peers change), and the confirming round after a miss. */
    firstDelayMs: duration(5_000),
    /** Loopback takes tens of ms, the real network about a second. */
    timeoutMs: duration(3_000, 1),
  }),
  bootstrapPeers: bootstrapList,
  clock: seam<Clock>(["now", "setTimeout", "clearTimeout"]),
  environment: seam<Environment>(["isOnline", "subscribe"]),
  random: callback<() => number>(),
  rediscover: callback<() => Promise<void> | void>(),
  recreateNode: callback<RecreateNode>(),
  parseMultiaddr: callback<(address: string) => MultiaddrLike>(),
};

const readOptions = object(SCHEMA);

/** Every option `createPeerManager` takes, `requirements` included. */
export const MANAGER_OPTION_KEYS: readonly string[] = Object.freeze(["requirements", ...Object.keys(SCHEMA)]);

/** The options with every default filled; seams the app did not give stay `undefined` (the runtime fills them). */
export type ParsedOptions = FieldValue<typeof readOptions> & { readonly requirements: Readonly<Requirements> };
export type ParsedLiveness = NonNullable<ParsedOptions["liveness"]>;
export type ParsedRecovery = NonNullable<ParsedOptions["recovery"]>;
export type ParsedRedundancy = NonNullable<ParsedRecovery["redundancy"]>;
export type ParsedPeerPolicy = ParsedOptions["peerPolicy"];
export type ParsedPeerCache = NonNullable<ParsedOptions["peerCache"]>;
export type ParsedCanary = NonNullable<ParsedOptions["filterCanary"]>;

/**
 * Checks every option and fills the defaults. Pure: no clock, no `window`, no storage is touched,
 * so the provider runs it during render.
 *
 * @throws {WakuPeersError} `INVALID_REQUIREMENTS` for bad requirements, else `INVALID_OPTIONS`
 * listing every issue found.
 *
 * @example
 * const parsed = parseOptions({ liveness: { intervalMs: 1_000 } });
 * parsed.liveness?.minTimeoutMs; // 800, the default
 */
export function parseOptions(options: CreatePeerManagerOptions = {}): ParsedOptions {
  if (!isObject(options) || Array.isArray(options)) {
    throw new WakuPeersError("INVALID_OPTIONS", [`options must be an object, got ${describe(options)}`]);
  }
  const requirements = resolveRequirements(Object.hasOwn(options, "requirements") ? options.requirements : undefined);
  const issues: Issues = [];
  const { requirements: _ignored, ...rest } = options as Record<string, unknown>;
  const parsed = readOptions(rest, "", issues);
  if (issues.length > 0) throw new WakuPeersError("INVALID_OPTIONS", issues);
  return Object.freeze({ ...parsed, requirements });
}

/** Every default, as `parseOptions({})` fills them (seams excepted: they are filled at start). */
export const DEFAULT_OPTIONS: ParsedOptions = /* @__PURE__ */ parseOptions({});

/**
 * Merges app requirements over {@link DEFAULT_REQUIREMENTS}. Each must be an integer from 0 to
 * 100; an unknown key is refused rather than ignored, since it is almost always a typo ("lightpush").
 *
 * @throws {WakuPeersError} `INVALID_REQUIREMENTS`, listing every problem.
 *
 * @example
 * resolveRequirements({ store: 2 }); // { lightPush: 2, filter: 2, store: 2, peerExchange: 0 }
 */
export function resolveRequirements(requirements: Partial<Requirements> | undefined): Readonly<Requirements> {
  if (requirements === undefined) return DEFAULT_REQUIREMENTS;
  if (!isObject(requirements) || Array.isArray(requirements)) {
    throw new WakuPeersError("INVALID_REQUIREMENTS", [`requirements must be an object, got ${describe(requirements)}`]);
  }
  const issues: string[] = [];
  for (const key of Object.keys(requirements)) {
    if (!PROTOCOL_NAMES.includes(key as ProtocolName)) {
      issues.push(`unknown protocol "${key}" (expected one of ${PROTOCOL_NAMES.join(", ")})`);
    }
  }
  const resolved = { ...DEFAULT_REQUIREMENTS };
  for (const name of PROTOCOL_NAMES) {
    const value: unknown = Object.hasOwn(requirements, name) ? requirements[name] : undefined;
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
      issues.push(`${name} must be a non-negative integer, got ${describe(value)}`);
    } else if (value > MAX_REQUIRED_PEERS) {
      issues.push(`${name} must be at most ${MAX_REQUIRED_PEERS}, got ${value}`);
    } else {
      resolved[name] = value;
    }
  }
  if (issues.length > 0) throw new WakuPeersError("INVALID_REQUIREMENTS", issues);
  return Object.freeze(resolved);
}

/**
 * The node's bootstrap multiaddrs. Only the type is checked here (cheap for any length); the
 * runtime parses the first few dozen and reports the rest and any invalid entry in `lastError`.
 */
function bootstrapList(value: unknown, path: string, issues: Issues): readonly string[] {
  if (value === undefined) return Object.freeze([]);
  if (Array.isArray(value) && value.every((entry) => typeof entry === "string")) return Object.freeze([...(value as string[])]);
  issues.push(`${path} must be an array of multiaddr strings, got ${describe(value)}`);
  return Object.freeze([]);
}
