import { createLightNode, type CreateNodeOptions, type LightNode } from "@waku/sdk";

import {
  createPeerManager,
  isWakuPeersError,
  preloadPeerManager,
  type CreatePeerManagerOptions,
  type LostConnectionState,
  type PeerManager,
  type PeersStore,
  type ReconnectOptions,
  type ReconnectResult,
  type WakuPeersState,
} from "../core/index.js";
import { errorMessage, failure } from "../core/errors.js";
import { createListeners } from "../core/lifetime/listeners.js";
import { closeFailedUpgrades } from "../core/sdk/close-failed-upgrades.js";
import { resolveRequirements } from "../core/options/parse-options.js";
import { createInitialState, createPeersStore } from "../core/state/store.js";
import { differsOnlyByFunctionIdentity, isSameNodeSource, type NodeSource } from "./node-source.js";
import { cloneStructure } from "./structural.js";

/** The lost-connection signal as listeners receive it. */
export type LostConnectionSignal = Exclude<LostConnectionState, "ok">;

/**
 * What hooks read from `<WakuPeersProvider>`. One value per provider, stable for its whole life:
 * the node and manager behind it come and go (creation, option changes, unmount) without the
 * context value changing, so a node swap re-renders only the hooks whose slice changed.
 */
export interface WakuPeersContextValue {
  /** Mirrors the current manager's store; holds the idle state until a manager is attached. */
  readonly store: PeersStore;
  /** The node once it is started (created by the provider) or attached (app-managed). */
  getNode(): LightNode | undefined;
  getManager(): PeerManager | undefined;
  /** Called whenever the node or the manager is attached or detached. */
  subscribeAttachment(listener: () => void): () => void;
  /** Follows the lost-connection signal of whichever manager is attached now or later. */
  onLostConnection(listener: (signal: LostConnectionSignal) => void): () => void;
  /** The manager's `reconnect()`; resolves with a failed result when no manager is attached. Never rejects. */
  reconnect(options?: ReconnectOptions): Promise<ReconnectResult>;
}

/**
 * The provider's node lifecycle, kept out of React so it can be reasoned about (and tested) as
 * plain code. `acquire`/`release` are reference counted and the release is deferred by a
 * microtask: StrictMode's unmount-remount in development re-acquires before the microtask runs,
 * so the node created by the first mount survives and no second node is ever started.
 */
export interface WakuPeersController extends WakuPeersContextValue {
  /** Use this node source with these manager options; replaces the node only if the source really changed. */
  acquire(source: NodeSource, managerOptions: CreatePeerManagerOptions): void;
  /** Drop one use; when none is left after a microtask, stop the manager and any node we created. */
  release(): void;
}

interface Session {
  readonly source: NodeSource;
  managerOptions: CreatePeerManagerOptions;
  /** Created (owned) or attached (app-managed) node; set while an owned node is still starting. */
  node: LightNode | undefined;
  /** The node is started (owned) or was handed to us (app-managed), and may be shown. */
  ready: boolean;
  manager: PeerManager | undefined;
  /** Stops the manager and unhooks it from the store; `keepFinalState` mirrors its final state. */
  detachManager: ((keepFinalState: boolean) => void) | undefined;
  /** Owned nodes: settles with whether the node was created and started. */
  starting: Promise<boolean> | undefined;
  closed: boolean;
}

export function createWakuPeersController(initialState: WakuPeersState): WakuPeersController {
  const store = createPeersStore(initialState);
  const attachmentListeners = createListeners<void>();
  // An app callback that throws neither breaks the manager's loop nor vanishes: it is re-thrown on a microtask.
  const lostListeners = createListeners<LostConnectionSignal>();
  let session: Session | undefined;
  let uses = 0;
  let warnedAboutFunctionIdentity = false;

  const replaceState = (state: WakuPeersState) => store.setState(state, true);
  const idleState = (current: Session) => createInitialState(resolveRequirements(current.managerOptions.requirements));
  const notifyAttachment = () => attachmentListeners.emit();
  const forwardLostSignal = (signal: LostConnectionSignal) => lostListeners.emit(signal);

  const failSession = (current: Session, error: unknown) => {
    replaceState({
      ...idleState(current),
      status: "disconnected",
      lastError: failure(isWakuPeersError(error) ? error.code : "NODE_FAILED", errorMessage(error)),
    });
  };

  /**
   * What the manager gets beyond the app's policy props: for a node we create, the bootstrap
   * addresses it was given (so a hard reconnect can dial them again) and a way to recreate it.
   */
  const effectiveManagerOptions = (current: Session): CreatePeerManagerOptions => {
    if (current.source.kind !== "options") return current.managerOptions;
    return {
      bootstrapPeers: current.source.options.bootstrapPeers,
      recreateNode: () => recreateOwnedNode(current),
      ...current.managerOptions,
    };
  };

  /** The last resort of `reconnect({ hard: true })`: a fresh node from the same options. */
  const recreateOwnedNode = (current: Session): Promise<boolean> => {
    if (current.closed || session !== current) return Promise.resolve(false);
    close(current);
    const next = open(current.source, current.managerOptions);
    session = next;
    return next.starting ?? Promise.resolve(false);
  };

  const attachManager = (current: Session, node: LightNode) => {
    let manager: PeerManager;
    try {
      manager = createPeerManager(node, effectiveManagerOptions(current));
    } catch (error) {
      failSession(current, error);
      return;
    }
    replaceState(manager.store.getState());
    const stopMirroring = manager.store.subscribe(replaceState);
    const stopForwarding = manager.onLostConnection(forwardLostSignal);
    current.manager = manager;
    current.detachManager = (keepFinalState) => {
      current.manager = undefined;
      current.detachManager = undefined;
      stopForwarding();
      // Closing: stop while mirroring, so the store ends on the manager's `disconnected` state.
      // Replacing: unmirror first, so the UI never sees that state flash by.
      if (!keepFinalState) stopMirroring();
      manager.stop();
      stopMirroring();
    };
  };

  const createOwnedNode = async (current: Session, options: CreateNodeOptions): Promise<boolean> => {
    try {
      // createLightNode writes into the options it is given (discovery lists), and starting is
      // ours to decide: a node whose session closed meanwhile is never started.
      const node = await createLightNode({ ...cloneStructure(options), autoStart: false });
      current.node = node;
      // Ours to stop, so ours to keep from leaking sockets while it stops (see closeFailedUpgrades).
      closeFailedUpgrades(node.libp2p);
      if (current.closed) {
        stopQuietly(node);
        return false;
      }
      await node.start();
      if (current.closed) return false; // close() already stopped it
      current.ready = true;
      attachManager(current, node);
      notifyAttachment();
      return true;
    } catch (error) {
      if (current.closed) return false;
      if (current.node) stopQuietly(current.node);
      current.node = undefined;
      failSession(current, error);
      return false;
    }
  };

  const open = (source: NodeSource, managerOptions: CreatePeerManagerOptions): Session => {
    const current: Session = {
      source,
      managerOptions,
      node: undefined,
      ready: false,
      manager: undefined,
      detachManager: undefined,
      starting: undefined,
      closed: false,
    };
    const idle = idleState(current);
    switch (source.kind) {
      case "none":
        replaceState(idle);
        break;
      case "node":
        current.node = source.node;
        current.ready = true;
        attachManager(current, source.node);
        notifyAttachment();
        break;
      case "options":
        replaceState({ ...idle, status: "connecting" });
        current.starting = createOwnedNode(current, source.options);
        break;
    }
    return current;
  };

  const close = (current: Session) => {
    if (current.closed) return;
    current.closed = true;
    current.detachManager?.(true);
    const wasShown = current.ready;
    current.ready = false;
    if (current.source.kind === "options" && current.node) stopQuietly(current.node);
    if (wasShown) notifyAttachment();
  };

  const updateManagerOptions = (current: Session, managerOptions: CreatePeerManagerOptions) => {
    if (current.managerOptions === managerOptions) return;
    current.managerOptions = managerOptions;
    // Node not ready yet: the new options apply when it is. Ready: a new manager on the same
    // node (the core has no setter for requirements); the node and its connections stay.
    if (!current.ready || current.node === undefined) return;
    current.detachManager?.(false);
    attachManager(current, current.node);
    notifyAttachment();
  };

  const warnIfOnlyFunctionsChanged = (previous: NodeSource, next: NodeSource) => {
    if (
      warnedAboutFunctionIdentity ||
      !(typeof process !== "undefined" && process.env.NODE_ENV !== "production") ||
      !differsOnlyByFunctionIdentity(previous, next)
    )
      return;
    warnedAboutFunctionIdentity = true;
    console.warn(
      "[waku-peers] <WakuPeersProvider options> changed only by the identity of a function " +
        "(for example an inline `bootstrap({...})` in libp2p.peerDiscovery), so the node was recreated. " +
        "Create such values once (module scope or useMemo) to keep the node across renders.",
    );
  };

  return {
    store,
    getNode: () => (session?.ready ? session.node : undefined),
    getManager: () => session?.manager,
    subscribeAttachment: (listener) => attachmentListeners.add(listener),
    onLostConnection: (listener) => lostListeners.add(listener),
    reconnect(options) {
      const manager = session?.manager;
      if (manager !== undefined) return manager.reconnect(options);
      const error = failure("NO_NODE", "No Waku node is attached yet");
      return Promise.resolve({ ok: false, status: store.getState().status, durationMs: 0, dialed: 0, error });
    },
    acquire(source, managerOptions) {
      uses += 1;
      // The manager's acting parts load while the node is being created (never an unhandled rejection).
      preloadPeerManager().catch(() => {});
      if (session && !session.closed && isSameNodeSource(session.source, source)) {
        updateManagerOptions(session, managerOptions);
        return;
      }
      if (session) {
        warnIfOnlyFunctionsChanged(session.source, source);
        close(session);
      }
      session = open(source, managerOptions);
    },
    release() {
      uses = Math.max(0, uses - 1);
      queueMicrotask(() => {
        if (uses > 0 || session === undefined) return;
        close(session);
        session = undefined;
      });
    },
  };
}

function stopQuietly(node: LightNode): void {
  // A node that fails to stop has nothing left to tell the UI; never an unhandled rejection.
  try {
    void node.stop().catch(() => {});
  } catch {
    // stop() threw synchronously: same reasoning.
  }
}
