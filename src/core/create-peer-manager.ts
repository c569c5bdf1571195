import type { ActiveParts } from "./active-parts.js";
import { followEnvironment } from "./detection/hints.js";
import { errorMessage, failure, WakuPeersError } from "./errors.js";
import { lazyModule } from "./lifetime/lazy.js";
import type { CreatePeerManagerOptions } from "./options/parse-options.js";
import { parseOptions } from "./options/parse-options.js";
import { PROTOCOL_NAMES } from "./peers/codecs.js";
import { watchNode } from "./peers/watch-node.js";
import { Runtime } from "./runtime.js";
import type { WakuNodeLike } from "./sdk/node-boundary.js";
import { readOnly } from "./state/store.js";
import type { PeerManager, ProtocolName, ReconnectResult } from "./types.js";

// Everything that acts on the node (recovery, liveness, the peer policy and cache, the SDK
// observers, `reconnect`) is a chunk of its own, loaded when the first manager starts.
const activeParts = lazyModule(() => import("./active-parts.js"));
const MAX_PENDING_REPORTS = 64;

/**
 * Loads the parts a peer manager otherwise loads when it starts (recovery, liveness, the peer
 * policy and cache, the protocol observers and the filter canary, `reconnect`), so managers
 * created afterwards start them synchronously. Optional: `<WakuPeersProvider>` calls it while
 * its node is being created; call it early yourself to save the chunk's round trip.
 *
 * @example
 * await preloadPeerManager();
 * const manager = createPeerManager(node); // every part starts at once
 */
export async function preloadPeerManager(): Promise<void> {
  await activeParts.load();
}

/**
 * Attaches to a Waku node and keeps a store with the truth about its peers — status, health per
 * protocol, the peer table, recovery progress, the lost-connection signal, recent events — and
 * keeps the node supplied with service peers (js-waku issue 914): liveness pings and environment
 * hints for detection, a recovery state machine with tiered backoff, the bootstrap and scoring
 * policy, a validated peer cache, a canary for filter peers that never push, and `reconnect()`.
 *
 * This function only wires parts onto one {@link Runtime}; each part releases itself when the
 * runtime's lifetime ends, so `stop()` is one abort. If wiring fails part-way, everything already
 * installed is released before the error is thrown. The acting parts start as soon as their
 * chunk is loaded (at once after {@link preloadPeerManager}); until then the state is already true.
 *
 * @throws {WakuPeersError} `INVALID_OPTIONS` / `INVALID_REQUIREMENTS` listing every problem, or
 * `INVALID_NODE` when `node` is not a Waku node — before anything touches the node.
 *
 * @example
 * const manager = createPeerManager(node, { requirements: { lightPush: 2, filter: 2, store: 1 } });
 * manager.store.subscribe((state) => state.status, (status) => console.log(status));
 * await manager.reconnect(); // { ok, status, durationMs, dialed, error? }, never rejects
 * manager.stop();
 */
export function createPeerManager(node: WakuNodeLike, options?: CreatePeerManagerOptions): PeerManager {
  assertWakuNode(node);
  const runtime = new Runtime(node, parseOptions(options));
  let active: ActiveParts | undefined;
  // Reports that arrive before the acting parts have loaded wait for them (bounded).
  const pendingReports: Parameters<ActiveParts["report"]>[] = [];
  const report: ActiveParts["report"] = (...args) => {
    if (active !== undefined) active.report(...args);
    else if (pendingReports.length < MAX_PENDING_REPORTS) pendingReports.push(args);
  };
  const start = (loaded: { startActiveParts(runtime: Runtime): ActiveParts }): void => {
    if (runtime.signal.aborted || active !== undefined) return;
    active = loaded.startActiveParts(runtime);
    for (const args of pendingReports.splice(0)) active.report(...args);
  };
  let simulateOffline: (offline: boolean) => void;
  try {
    watchNode(runtime);
    simulateOffline = followEnvironment(runtime);
    if (activeParts.loaded !== undefined) start(activeParts.loaded);
    else
      activeParts
        .load()
        .then(start)
        .catch((error: unknown) =>
          runtime.fail("UNEXPECTED", `the peer manager's parts could not start: ${errorMessage(error)}`),
        );
    runtime.commitNow();
  } catch (error) {
    runtime.stop();
    throw error;
  }
  return {
    store: readOnly(runtime.store),
    reconnect: (reconnectOptions) =>
      active !== undefined ? active.reconnect(reconnectOptions) : whenStarted(runtime, () => active, reconnectOptions),
    reportFailure: (peerId, protocol, reason) => report(checkedPeer(peerId), checkedProtocol(protocol), false, reason),
    reportSuccess: (peerId, protocol) => report(checkedPeer(peerId), checkedProtocol(protocol), true),
    onLostConnection: (listener) => (runtime.signal.aborted ? () => {} : runtime.lostListeners.add(listener)),
    simulateOffline: (offline) => simulateOffline(offline === true),
    stop: () => runtime.stop(),
  };
}

/** A reconnect asked for before the acting parts have loaded: it runs once they have. Never rejects. */
async function whenStarted(runtime: Runtime, active: () => ActiveParts | undefined, options: unknown): Promise<ReconnectResult> {
  await activeParts.load().catch(() => {});
  const parts = active();
  if (parts !== undefined) return parts.reconnect(options);
  const error = runtime.signal.aborted
    ? failure("STOPPED", "the peer manager is stopped")
    : (runtime.facts.lastError ?? failure("UNEXPECTED", "the peer manager's parts did not start"));
  return { ok: false, status: runtime.store.getState().status, durationMs: 0, dialed: 0, error };
}

/** `reportFailure` / `reportSuccess`'s peer id check (also the mock manager's, in waku-peers/testing). */
export function checkedPeer(peerId: unknown): string {
  if (typeof peerId === "string") return peerId;
  throw new WakuPeersError("INVALID_ARGUMENT", [`peerId must be a peer id string, got ${typeof peerId}`]);
}

/** `reportFailure` / `reportSuccess`'s protocol check. */
export function checkedProtocol(protocol: unknown): ProtocolName {
  if (PROTOCOL_NAMES.includes(protocol as ProtocolName)) return protocol as ProtocolName;
  throw new WakuPeersError("INVALID_ARGUMENT", [`protocol must be one of ${PROTOCOL_NAMES.join(", ")}, got ${String(protocol)}`]);
}

function assertWakuNode(node: unknown): asserts node is WakuNodeLike {
  const libp2p = (node as Partial<WakuNodeLike> | null | undefined)?.libp2p;
  const missing = (["getConnections", "addEventListener", "removeEventListener", "dial"] as const).filter(
    (method) => typeof libp2p?.[method] !== "function",
  );
  if (libp2p === undefined || missing.length > 0 || typeof libp2p.peerStore?.get !== "function") {
    throw new WakuPeersError("INVALID_NODE", [
      "expected a Waku node with a started libp2p (node.libp2p with getConnections, peerStore, event listeners and dial)",
    ]);
  }
}
