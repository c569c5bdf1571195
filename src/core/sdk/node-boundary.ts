/**
 * The slice of a Waku light node the core uses, typed structurally so that a real `LightNode`
 * from `@waku/sdk` satisfies it (checked by a type test) and a test fake can too. Everything here
 * is public libp2p API; nothing reaches into private fields.
 */

/** A libp2p `PeerId`: the core only needs its string form and passes it back to libp2p. */
export interface PeerIdLike {
  toString(): string;
}

/** A libp2p `Multiaddr`. */
export interface MultiaddrLike {
  toString(): string;
}

export interface ConnectionLike {
  id: string;
  remotePeer: PeerIdLike;
  remoteAddr: MultiaddrLike;
  status: "open" | "closing" | "closed";
  /** Set by libp2p's connection monitor. */
  rtt?: number;
  timeline: { open: number; close?: number };
  /** Closes the connection at once, without the graceful close a frozen peer never answers. */
  abort?(error: Error): void;
}

/** A peer store entry. */
export interface PeerLike {
  id: PeerIdLike;
  /** Codecs from identify; kept by the peer store after the peer disconnects. */
  protocols: string[];
  /** Discovery tags such as `bootstrap`, `peer-exchange`, `peer-cache`. */
  tags: { has(tag: string): boolean };
  /** Known addresses (libp2p's peer store has them; fakes may not). */
  addresses?: readonly { multiaddr: MultiaddrLike }[];
}

/** `peer:identify` detail. */
export interface IdentifyResultLike {
  peerId: PeerIdLike;
  protocols: string[];
  connection: ConnectionLike;
}

/** `peer:update` detail. */
export interface PeerUpdateLike {
  peer: PeerLike;
}

/** The libp2p events the core follows, with the details it reads. */
export interface NodeEventMap {
  "peer:connect": CustomEvent<PeerIdLike>;
  "peer:disconnect": CustomEvent<PeerIdLike>;
  "peer:identify": CustomEvent<IdentifyResultLike>;
  "peer:update": CustomEvent<PeerUpdateLike>;
  "connection:open": CustomEvent<ConnectionLike>;
  "connection:close": CustomEvent<ConnectionLike>;
}

export type NodeEventName = keyof NodeEventMap;

export interface Libp2pLike {
  peerId: PeerIdLike;
  /** Open connections, all or to one peer. */
  getConnections(peerId?: PeerIdLike): ConnectionLike[];
  peerStore: {
    get(peerId: PeerIdLike): Promise<PeerLike>;
    all(): Promise<PeerLike[]>;
    /** Adds tags (e.g. `peer-cache`) to a known peer. */
    merge?(peerId: PeerIdLike, data: { tags?: Record<string, { value?: number }> }): Promise<unknown>;
  };
  addEventListener<K extends NodeEventName>(type: K, listener: (event: NodeEventMap[K]) => void): void;
  removeEventListener<K extends NodeEventName>(type: K, listener: (event: NodeEventMap[K]) => void): void;
  /** Dials now, bypassing the SDK's dial cooldowns. A multiaddr must end in `/p2p/<peer id>`. */
  dial(peer: PeerIdLike | MultiaddrLike, options?: { signal?: AbortSignal }): Promise<unknown>;
  hangUp(peer: PeerIdLike, options?: { signal?: AbortSignal }): Promise<void>;
  services: {
    ping?: { ping(peer: PeerIdLike, options?: { signal?: AbortSignal }): Promise<number> };
  };
}

/** What the core needs from a Waku node: its libp2p. */
export interface WakuNodeLike {
  libp2p: Libp2pLike;
}
