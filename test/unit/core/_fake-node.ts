/**
 * A fake Waku light node at the libp2p boundary, for unit and render tests.
 *
 *   const fake = createFakeNode();
 *   fake.connectPeer("A", { protocols: ["lightPush", "filter"], tags: ["bootstrap"] });
 *   fake.disconnectPeer("A");
 *   fake.knowPeer("B", { protocols: ["store"] });   // in the peer store, not connected
 *   fake.scriptDial("B", "ok");                      // or "fail", "hang", or a sequence
 *   const manager = createPeerManager(fake.node);
 *
 * Like libp2p, `dial` accepts a peer id or a multiaddr ending in `/p2p/<id>`, consults the
 * connection gater (`libp2p.components.connectionGater.denyDialPeer`), and connections can be
 * aborted (`connection.abort(err)`).
 *
 * Events are dispatched synchronously, in libp2p's order, with the details libp2p gives:
 * `connection:open` → `peer:connect` → `peer:update` → `peer:identify` on connect, and
 * `connection:close` → `peer:disconnect` on disconnect. Like libp2p's, the peer store keeps a
 * peer's protocols after it disconnects.
 */
import type {
  ConnectionLike,
  Libp2pLike,
  NodeEventMap,
  NodeEventName,
  PeerIdLike,
  PeerLike,
  PeerTag,
  ProtocolName,
  WakuNodeLike,
} from "../../../src/core/index.js";
import { WAKU_CODECS } from "../../../src/core/internal.js";

export type FakeProtocol = ProtocolName | "lightPushV2";

export const FAKE_CODECS: Readonly<Record<FakeProtocol, string>> = {
  lightPush: WAKU_CODECS.lightPush,
  lightPushV2: WAKU_CODECS.lightPushV2,
  filter: WAKU_CODECS.filterSubscribe,
  store: WAKU_CODECS.store,
  peerExchange: WAKU_CODECS.peerExchange,
};

/** Codecs every libp2p peer announces besides the Waku ones. */
const BASE_CODECS = ["/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", "/vac/waku/metadata/1.0.0"];

export interface FakePeerOptions {
  protocols?: readonly FakeProtocol[];
  tags?: readonly PeerTag[];
  address?: string;
  rttMs?: number;
  /** Epoch ms the connection opened; default `Date.now()`. */
  openedAt?: number;
  /** Run identify right away (default). With `false`, call `identifyPeer` later. */
  identify?: boolean;
}

/** `ok` connects the peer with its peer store protocols; `hang` waits until the dial is aborted. */
export type DialOutcome = "ok" | "fail" | "hang";

export interface DialScript {
  outcomes: DialOutcome[];
  /** Delay before an `ok`/`fail` settles, through `setTimeout` (fake timers apply). */
  delayMs?: number;
}

class FakePeerId implements PeerIdLike {
  constructor(readonly id: string) {}
  toString(): string {
    return this.id;
  }
  equals(other: PeerIdLike): boolean {
    return other.toString() === this.id;
  }
}

interface StoredPeer {
  id: FakePeerId;
  protocols: string[];
  tags: Map<string, { value: number }>;
}

export interface FakeConnection extends ConnectionLike {
  remotePeer: FakePeerId;
  abort(error: Error): void;
}

/** libp2p's connection gater, as `libp2p.components.connectionGater`. */
export interface FakeConnectionGater {
  denyDialPeer?: (peerId: PeerIdLike) => boolean | Promise<boolean>;
}

type Listener = (event: CustomEvent<unknown>) => void;

let connectionCounter = 0;

export class FakeLibp2p implements Libp2pLike {
  readonly peerId: FakePeerId;
  readonly services: Libp2pLike["services"] = {};
  /** libp2p keeps its gater here (not in its public typings); the dial gate wraps it. */
  readonly components: { connectionGater: FakeConnectionGater } = {
    connectionGater: { denyDialPeer: async () => false },
  };
  /** Peer ids passed to `dial`, in call order (also the denied ones). */
  readonly dials: string[] = [];
  /** Peer ids whose dial the connection gater denied. */
  readonly deniedDials: string[] = [];
  readonly #target = new EventTarget();
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #connections = new Map<string, FakeConnection[]>();
  readonly #store = new Map<string, StoredPeer>();
  readonly #dialScripts = new Map<string, DialScript>();
  /** Dials to the key reach the value's peer instead (a cached address another node now listens on). */
  readonly #answersAs = new Map<string, string>();

  constructor(selfId: string) {
    this.peerId = new FakePeerId(selfId);
  }

  readonly peerStore = {
    get: async (peerId: PeerIdLike): Promise<PeerLike> => {
      const peer = this.#store.get(peerId.toString());
      if (peer === undefined) throw Object.assign(new Error(`peer ${peerId.toString()} not found`), { name: "NotFoundError" });
      return snapshot(peer);
    },
    all: async (): Promise<PeerLike[]> => [...this.#store.values()].map(snapshot),
    merge: async (peerId: PeerIdLike, data: { tags?: Record<string, { value?: number }> }): Promise<unknown> => {
      this.update(peerId.toString(), { tags: Object.keys(data.tags ?? {}) as PeerTag[] });
      return undefined;
    },
  };

  getConnections(peerId?: PeerIdLike): ConnectionLike[] {
    if (peerId !== undefined) return [...(this.#connections.get(peerId.toString()) ?? [])];
    return [...this.#connections.values()].flat();
  }

  addEventListener<K extends NodeEventName>(type: K, listener: (event: NodeEventMap[K]) => void): void {
    const set = this.#listeners.get(type) ?? new Set<Listener>();
    set.add(listener as Listener);
    this.#listeners.set(type, set);
    this.#target.addEventListener(type, listener as EventListener);
  }

  removeEventListener<K extends NodeEventName>(type: K, listener: (event: NodeEventMap[K]) => void): void {
    this.#listeners.get(type)?.delete(listener as Listener);
    this.#target.removeEventListener(type, listener as EventListener);
  }

  /** Listeners currently attached, in total or for one event. */
  listenerCount(type?: NodeEventName): number {
    if (type !== undefined) return this.#listeners.get(type)?.size ?? 0;
    let count = 0;
    for (const set of this.#listeners.values()) count += set.size;
    return count;
  }

  async dial(peer: PeerIdLike, options?: { signal?: AbortSignal }): Promise<unknown> {
    const id = dialedId(peer);
    this.dials.push(id);
    if ((await this.components.connectionGater.denyDialPeer?.(this.#store.get(id)?.id ?? new FakePeerId(id))) === true) {
      this.deniedDials.push(id);
      throw Object.assign(new Error(`dial to ${id} denied by the connection gater`), { name: "DialDeniedError" });
    }
    const script = this.#dialScripts.get(id);
    const outcome = script === undefined ? "fail" : script.outcomes.length > 1 ? script.outcomes.shift() : script.outcomes[0];
    const signal = options?.signal;
    await settleAfter(outcome === "hang" ? undefined : (script?.delayMs ?? 0), signal);
    if (outcome !== "ok") throw new Error(`dial to ${id} failed`);
    const reached = this.#answersAs.get(id) ?? id;
    const open = this.#connections.get(reached)?.[0];
    if (open !== undefined) return open;
    const stored = this.#store.get(reached);
    return this.connect(reached, { codecs: stored?.protocols ?? [], tags: [...(stored?.tags.keys() ?? [])] as PeerTag[] });
  }

  /** From now on a successful dial to `id` reaches `other` (libp2p 2.8 does not check the dialed `/p2p/` id). */
  answerAs(id: string, other: string): void {
    this.#answersAs.set(id, other);
  }

  async hangUp(peer: PeerIdLike): Promise<void> {
    this.disconnect(peer.toString());
  }

  scriptDial(id: string, outcomes: DialOutcome | DialOutcome[], delayMs?: number): void {
    this.#dialScripts.set(id, { outcomes: Array.isArray(outcomes) ? [...outcomes] : [outcomes], delayMs });
  }

  /** Puts a peer in the peer store (as discovery would) without connecting. */
  know(id: string, codecs: readonly string[], tags: readonly PeerTag[]): StoredPeer {
    const existing = this.#store.get(id);
    const peer: StoredPeer = existing ?? { id: new FakePeerId(id), protocols: [], tags: new Map() };
    if (codecs.length > 0) peer.protocols = [...codecs];
    for (const tag of tags) peer.tags.set(tag, { value: 100 });
    this.#store.set(id, peer);
    return peer;
  }

  connect(
    id: string,
    options: {
      codecs: readonly string[];
      tags: readonly PeerTag[];
      address?: string;
      rttMs?: number;
      openedAt?: number;
      identify?: boolean;
    },
  ): FakeConnection {
    const peer = this.know(id, [], options.tags);
    const connection: FakeConnection = {
      id: `conn-${++connectionCounter}`,
      remotePeer: peer.id,
      remoteAddr: { toString: () => options.address ?? `/ip4/127.0.0.1/tcp/${8000 + connectionCounter}/ws/p2p/${id}` },
      status: "open",
      rtt: options.rttMs,
      timeline: { open: options.openedAt ?? Date.now() },
      abort: () => this.closeConnection(connection),
    };
    const existing = this.#connections.get(id) ?? [];
    this.#connections.set(id, [...existing, connection]);
    this.emit("connection:open", connection);
    if (existing.length === 0) this.emit("peer:connect", peer.id);
    if (options.identify !== false) this.identify(id, options.codecs);
    return connection;
  }

  /** Identify on the peer's open connection: the peer store is patched, then `peer:identify`. */
  identify(id: string, codecs: readonly string[]): void {
    const connection = this.#connections.get(id)?.[0];
    if (connection === undefined) throw new Error(`cannot identify ${id}: not connected`);
    const peer = this.know(id, [], []);
    peer.protocols = [...BASE_CODECS, ...codecs];
    this.emit("peer:update", { peer: snapshot(peer) });
    this.emit("peer:identify", { peerId: peer.id, protocols: [...peer.protocols], connection });
  }

  /** Closes every connection to the peer. The peer store keeps what it knew. */
  disconnect(id: string): void {
    const connections = this.#connections.get(id) ?? [];
    if (connections.length === 0) return;
    this.#connections.delete(id);
    for (const connection of connections) {
      connection.status = "closed";
      connection.timeline.close = Date.now();
      this.emit("connection:close", connection);
    }
    this.emit("peer:disconnect", connections[0]!.remotePeer);
  }

  /** Closes one connection (as `abort` does); `peer:disconnect` when it was the last. */
  closeConnection(connection: FakeConnection): void {
    const id = connection.remotePeer.toString();
    const connections = this.#connections.get(id) ?? [];
    if (!connections.includes(connection)) return;
    const rest = connections.filter((candidate) => candidate !== connection);
    if (rest.length === 0) this.#connections.delete(id);
    else this.#connections.set(id, rest);
    connection.status = "closed";
    connection.timeline.close = Date.now();
    this.emit("connection:close", connection);
    if (rest.length === 0) this.emit("peer:disconnect", connection.remotePeer);
  }

  /** A peer store write (`peer:update`), e.g. a tag added by discovery. */
  update(id: string, change: { codecs?: readonly string[]; tags?: readonly PeerTag[] }): void {
    const peer = this.know(id, change.codecs ?? [], change.tags ?? []);
    this.emit("peer:update", { peer: snapshot(peer) });
  }

  emit<K extends NodeEventName>(type: K, detail: NodeEventMap[K]["detail"]): void {
    this.#target.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

export interface FakeNode {
  /** Pass this to `createPeerManager` (or the provider's `node` prop). */
  node: WakuNodeLike;
  libp2p: FakeLibp2p;
  connectPeer(id: string, options?: FakePeerOptions): FakeConnection;
  identifyPeer(id: string, protocols?: readonly FakeProtocol[]): void;
  disconnectPeer(id: string): void;
  /** In the peer store with these protocols and tags, not connected (announced with `peer:update`): a reconnect candidate. */
  knowPeer(id: string, options?: Pick<FakePeerOptions, "protocols" | "tags">): void;
  updatePeer(id: string, change: Pick<FakePeerOptions, "protocols" | "tags">): void;
  /** Outcome(s) of the next dials to `id`; a sequence is consumed in order, its last repeats. Unscripted dials fail. */
  scriptDial(id: string, outcomes: DialOutcome | DialOutcome[], options?: { delayMs?: number }): void;
  /** Peer ids dialed so far, in order. */
  readonly dials: readonly string[];
  listenerCount(type?: NodeEventName): number;
}

export function createFakeNode(options: { selfId?: string } = {}): FakeNode {
  const libp2p = new FakeLibp2p(options.selfId ?? "self");
  const protocolsOf = new Map<string, readonly FakeProtocol[]>();
  return {
    node: { libp2p },
    libp2p,
    connectPeer(id, peerOptions = {}) {
      const protocols = peerOptions.protocols ?? protocolsOf.get(id) ?? [];
      protocolsOf.set(id, protocols);
      return libp2p.connect(id, {
        codecs: toCodecs(protocols),
        tags: peerOptions.tags ?? [],
        address: peerOptions.address,
        rttMs: peerOptions.rttMs,
        openedAt: peerOptions.openedAt,
        identify: peerOptions.identify,
      });
    },
    identifyPeer(id, protocols) {
      const resolved = protocols ?? protocolsOf.get(id) ?? [];
      protocolsOf.set(id, resolved);
      libp2p.identify(id, toCodecs(resolved));
    },
    disconnectPeer: (id) => libp2p.disconnect(id),
    knowPeer(id, peerOptions = {}) {
      const protocols = peerOptions.protocols ?? [];
      protocolsOf.set(id, protocols);
      // Like libp2p's peer store, a write is announced with `peer:update`.
      libp2p.update(id, { codecs: [...BASE_CODECS, ...toCodecs(protocols)], tags: peerOptions.tags ?? [] });
    },
    updatePeer(id, change) {
      libp2p.update(id, {
        codecs: change.protocols === undefined ? undefined : [...BASE_CODECS, ...toCodecs(change.protocols)],
        tags: change.tags,
      });
    },
    scriptDial: (id, outcomes, dialOptions) => libp2p.scriptDial(id, outcomes, dialOptions?.delayMs),
    get dials() {
      return libp2p.dials;
    },
    listenerCount: (type) => libp2p.listenerCount(type),
  };
}

/** A peer id, or a multiaddr naming one (`…/p2p/<id>`), as libp2p's `dial` takes them. */
function dialedId(peer: PeerIdLike): string {
  const getPeerId = (peer as { getPeerId?: () => string | null }).getPeerId;
  if (typeof getPeerId === "function") return getPeerId.call(peer) ?? peer.toString();
  const text = peer.toString();
  const index = text.lastIndexOf("/p2p/");
  return index >= 0 ? text.slice(index + 5) : text;
}

function toCodecs(protocols: readonly FakeProtocol[]): string[] {
  return protocols.map((protocol) => FAKE_CODECS[protocol]);
}

function snapshot(peer: StoredPeer): PeerLike & { id: FakePeerId } {
  return { id: peer.id, protocols: [...peer.protocols], tags: new Map(peer.tags) };
}

/** Resolves after `ms` (never when undefined); rejects with an AbortError when `signal` aborts first. */
function settleAfter(ms: number | undefined, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const abort = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      reject(Object.assign(new Error("The operation was aborted"), { name: "AbortError" }));
    };
    if (signal?.aborted) return abort();
    if (ms === 0) return resolve();
    signal?.addEventListener("abort", abort, { once: true });
    if (ms !== undefined) {
      timer = setTimeout(() => {
        signal?.removeEventListener("abort", abort);
        resolve();
      }, ms);
    }
  });
}
