import { browserEnvironment } from "./detection/environment.js";
import type { Environment, EnvironmentHint } from "./detection/environment.js";
import type { WakuPeersErrorCode, WakuPeersFailure } from "./errors.js";
import { errorMessage, failure } from "./errors.js";
import type { Clock } from "./lifetime/clock.js";
import { systemClock } from "./lifetime/clock.js";
import type { Lifetime } from "./lifetime/lifetime.js";
import { createLifetime } from "./lifetime/lifetime.js";
import type { Bus, Listeners } from "./lifetime/listeners.js";
import { createBus, createListeners } from "./lifetime/listeners.js";
import type { ParsedOptions } from "./options/parse-options.js";
import { hasTag } from "./peers/codecs.js";
import type { PeerRecord } from "./peers/peer-table.js";
import { PeerTable } from "./peers/peer-table.js";
import type { Libp2pLike, MultiaddrLike, WakuNodeLike } from "./sdk/node-boundary.js";
import { parseMultiaddr as defaultParseMultiaddr } from "./sdk/multiaddr.js";
import { EventLog } from "./state/event-log.js";
import type { PeerCounts } from "./state/health.js";
import { computeHealth, NO_PEERS } from "./state/health.js";
import type { LostConnectionSignal, LostConnectionTracker } from "./state/lost-connection.js";
import { createLostConnectionTracker } from "./state/lost-connection.js";
import { deriveStatus } from "./state/status.js";
import type { WritablePeersStore } from "./state/store.js";
import { createInitialState, createPeersStore, IDLE_RECOVERY } from "./state/store.js";
import type { PeerEventType, RecoveryState, WakuPeersState } from "./types.js";

/** A store commit: the state before and after (the same object when nothing changed). */
export interface Commit {
  readonly previous: WakuPeersState;
  readonly next: WakuPeersState;
}

/** A filter push the protocol observer saw. */
export interface FilterPush {
  peerId: string;
  pubsubTopic: string;
  contentTopic: string | undefined;
}

/** What the manager's parts tell each other, instead of calling each other. */
export interface RuntimeEvents {
  /** After every commit, changed or not: the peer policy, the peer cache and the recovery loop follow it. */
  committed: Commit;
  /** An environment hint (`online` already updated). */
  hint: EnvironmentHint;
  /** A peer was replaced: blocked for the quarantine. */
  replaced: string;
  /** A replaced peer's quarantine ended. */
  quarantineOver: string;
  /** A manual reconnect: the recovery loop starts over if it had given up. */
  resume: undefined;
  filterPush: FilterPush;
}

/** Facts the store shows that no table or log holds. */
export interface RuntimeFacts {
  online: boolean;
  lastError: WakuPeersFailure | undefined;
  recovery: RecoveryState;
  /** The automatic recovery loop is in an outage. */
  autoRecovering: boolean;
  /** A manual `reconnect()` is running (the loop stands aside). */
  manualReconnect: boolean;
  /** The automatic recovery gave up (until `reconnect()` or the requirements are met anyway). */
  gaveUp: boolean;
}

/**
 * The one runtime every part of a peer manager works on (wagmi's `config`, in spirit): the node,
 * the options, the seams, the store and the peer table, the bus the parts talk over, and one
 * lifetime. Every part registers its release on `signal`,
 * so `stop()` is one abort plus the final state. Marking the table or the log dirty schedules the
 * commit by itself: one store update per microtask, and only with the slices that changed.
 */
export class Runtime {
  readonly node: WakuNodeLike;
  readonly libp2p: Libp2pLike;
  readonly options: ParsedOptions;
  readonly clock: Clock;
  readonly environment: Environment;
  readonly random: () => number;
  readonly parseMultiaddr: (address: string) => MultiaddrLike;
  readonly store: WritablePeersStore;
  readonly table: PeerTable;
  /** Bootstrap peers, remembered even after the peer store drops the tag. */
  readonly bootstrapIds = new Set<string>();
  readonly bus: Bus<RuntimeEvents>;
  readonly lostListeners: Listeners<LostConnectionSignal>;
  readonly facts: RuntimeFacts;
  readonly #lifetime = createLifetime();
  readonly #log: EventLog;
  readonly #lost: LostConnectionTracker;
  readonly #pendingSignals: LostConnectionSignal[] = [];
  #scheduled = false;
  #folding = false;
  #committed = false;
  #counts: PeerCounts | undefined;

  constructor(node: WakuNodeLike, options: ParsedOptions) {
    this.node = node;
    this.libp2p = node.libp2p;
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.environment = options.environment ?? browserEnvironment();
    this.random = options.random ?? Math.random;
    this.parseMultiaddr = options.parseMultiaddr ?? defaultParseMultiaddr;
    this.store = createPeersStore(createInitialState(options.requirements));
    this.facts = {
      online: this.environment.isOnline(),
      lastError: undefined,
      recovery: IDLE_RECOVERY,
      autoRecovering: false,
      manualReconnect: false,
      gaveUp: false,
    };
    this.bus = createBus((error) => this.fail("UNEXPECTED", `internal listener failed: ${errorMessage(error)}`));
    this.lostListeners = createListeners((error) =>
      this.fail("LISTENER_FAILED", `lost-connection listener failed: ${errorMessage(error)}`),
    );
    this.#log = new EventLog(options.maxEvents, this.changed);
    this.table = new PeerTable(this.libp2p, this.changed);
    this.#lost = createLostConnectionTracker(this.clock, this.lifetime, options.lostConnectionGraceMs, (signal) => {
      this.#pendingSignals.push(signal);
      this.changed();
    });
  }

  /** The manager's lifetime: ended by `stop()`. Every part registers its release here. */
  get lifetime(): Lifetime {
    return this.#lifetime;
  }

  /** The lifetime's abort signal, for libp2p calls and for checking whether the manager stopped. */
  get signal(): AbortSignal {
    return this.#lifetime.signal;
  }

  /** Schedules the commit (one per microtask). Facts no table or log holds call it. */
  readonly changed = (): void => {
    if (this.#scheduled || this.#folding || this.signal.aborted) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.commitNow();
    });
  };

  event(type: PeerEventType, peerId?: string, detail?: string): void {
    this.#log.push(
      peerId === undefined && detail === undefined
        ? { at: this.clock.now(), type }
        : { at: this.clock.now(), type, peerId, detail },
    );
  }

  /** `lastError` becomes this failure. */
  fail(code: WakuPeersErrorCode, message: string): void {
    this.facts.lastError = failure(code, message);
    this.changed();
  }

  /**
   * Patches the recovery slice; `inProgress` follows the automatic and manual flags. A patch that
   * changes nothing changes nothing (no new object, no commit): checks after every commit must
   * not feed a commit loop.
   */
  updateRecovery(patch: Partial<RecoveryState>): void {
    const previous = this.facts.recovery;
    const next = { ...previous, ...patch, inProgress: this.facts.autoRecovering || this.facts.manualReconnect };
    for (const key in next) {
      if (next[key as keyof RecoveryState] === previous[key as keyof RecoveryState]) continue;
      this.facts.recovery = next;
      this.changed();
      return;
    }
  }

  requirementsMet(): boolean {
    return this.store.getState().health.overall === "healthy";
  }

  isBootstrap(record: PeerRecord): boolean {
    if (hasTag(record.tagMask, "bootstrap")) this.bootstrapIds.add(record.id);
    return this.bootstrapIds.has(record.id);
  }

  /** Automatic recovery gave up: the lost-connection signal says `failed`. */
  gaveUp(): void {
    this.#lost.giveUp();
  }

  /** Folds every pending change into one store update (synchronously: `reconnect()` resolves on the result). */
  commitNow(): void {
    if (this.signal.aborted) return;
    const previous = this.store.getState();
    this.#folding = true;
    let next: WakuPeersState;
    try {
      next = this.#fold(previous);
      if (!sameSlices(next, previous)) this.store.setState(next, true);
    } finally {
      this.#folding = false;
    }
    this.#committed = true;
    this.#deliverLostSignals();
    this.bus.emit("committed", { previous, next });
  }

  /**
   * For parts that start after the first commit (loaded when first needed): they are told about
   * everything since attach as one commit from the initial state, so they start from the facts.
   */
  catchUp(): void {
    if (this.#committed && !this.signal.aborted)
      this.bus.emit("committed", { previous: this.store.getInitialState(), next: this.store.getState() });
  }

  /** One abort releases every part; then the final state: no peers claimed, `disconnected`. */
  stop(): void {
    if (this.signal.aborted) return;
    this.#lifetime.end();
    this.#lost.fail();
    this.event("status", undefined, "disconnected");
    this.facts.autoRecovering = false;
    this.facts.manualReconnect = false;
    this.updateRecovery({ manual: false, attempt: 0, nextRetryAt: undefined });
    this.table.clear();
    const previous = this.store.getState();
    this.store.setState(
      {
        ...previous,
        status: "disconnected",
        health: computeHealth(NO_PEERS, this.options.requirements, previous.health),
        peers: Object.freeze({}),
        recovery: this.facts.recovery,
        lost: this.#lost.state,
        events: this.#log.snapshot(),
      },
      true,
    );
    this.#deliverLostSignals();
    this.lostListeners.clear();
    this.bus.clear();
  }

  #fold(previous: WakuPeersState): WakuPeersState {
    const { peers, counts } = this.table.commit(previous.peers);
    // Counts change only when a service peer comes or goes: most commits skip the health math.
    const health = counts === this.#counts ? previous.health : computeHealth(counts, this.options.requirements, previous.health);
    this.#counts = counts;
    const { online, gaveUp } = this.facts;
    const everConnected = previous.firstConnectedAt !== undefined;
    const status = deriveStatus({ started: true, stopped: false, health: health.overall, everConnected, online, gaveUp });
    let firstConnectedAt = previous.firstConnectedAt;
    if (status !== previous.status) {
      this.event("status", undefined, status);
      if (status === "connected") {
        if (firstConnectedAt === undefined) firstConnectedAt = this.clock.now();
        else this.updateRecovery({ lastRecoveredAt: this.clock.now() });
      }
      this.#lost.update(status);
    }
    return {
      status,
      health,
      peers,
      recovery: this.facts.recovery,
      lost: this.#lost.state,
      events: this.#log.snapshot(),
      lastError: this.facts.lastError,
      online,
      firstConnectedAt,
    };
  }

  #deliverLostSignals(): void {
    while (this.#pendingSignals.length > 0) this.lostListeners.emit(this.#pendingSignals.shift() as LostConnectionSignal);
  }
}

function sameSlices(a: WakuPeersState, b: WakuPeersState): boolean {
  for (const key in a) {
    if (a[key as keyof WakuPeersState] !== b[key as keyof WakuPeersState]) return false;
  }
  return true;
}
