/**
 * Public types of the loopback Waku fleet. Shared by the supervisor (parent process),
 * the service node (child process), the control API and the CLI.
 */

/** Protocols a fleet node can serve. */
export type ServedProtocol = "metadata" | "lightPush" | "filter" | "store" | "peerExchange" | "relay";

export const ALL_SERVED_PROTOCOLS: readonly ServedProtocol[] = [
  "metadata",
  "lightPush",
  "filter",
  "store",
  "peerExchange",
  "relay",
];

export type NodeRole = "bootstrap" | "service";

/**
 * Faults switchable at run time. Every field is optional; an empty object clears all faults.
 * - `lightPushStatus`: answer every light push (v3) with this status code (v2: isSuccess=false)
 *   and do not relay the message.
 * - `filterSilent`: accept filter subscriptions (and pings) but never push messages.
 * - `storeError`: answer store queries with this status code (e.g. 500) and no messages.
 * - `latencyMs`: delay every protocol reply (libp2p pings included) by this many ms.
 * - `jitterMs`: and add to each delay a uniform draw in ±this many ms (never below 0).
 * - `wrongCluster`: answer metadata with this cluster id instead of the real one.
 * - `pxFlood`: answer every peer-exchange request with a flood of records (see PxFloodFault).
 * - `dropConnection`: reset the client's connection after some requests (see DropConnectionFault).
 */
export interface Fault {
  lightPushStatus?: number;
  filterSilent?: boolean;
  storeError?: number;
  latencyMs?: number;
  jitterMs?: number;
  wrongCluster?: number;
  pxFlood?: PxFloodFault;
  dropConnection?: DropConnectionFault;
}

/**
 * A hostile peer-exchange node. Each answer, whatever the client asked for, holds `records`
 * records: the node's genuine ones (the other fleet nodes), `garbage` undecodable ones, and
 * the rest split into fresh identities on closed 127.0.0.1 ports (60 %), fresh identities on
 * a tarpit that accepts TCP and never answers (10 %), and duplicates of those (30 %).
 * The tarpit runs inside the node's process, on 127.0.0.1, and ends with it.
 */
export interface PxFloodFault {
  /** Records per answer. Default 5 000. */
  records?: number;
  /** Undecodable records among them (random bytes, a bad signature, a truncated ENR). Default 3. */
  garbage?: number;
}

/**
 * A node that resets the client's connection. Every request on any of the node's
 * request/response protocols (metadata, light push, filter subscribe, store, peer exchange)
 * counts; the request that triggers the drop is not answered. Counting starts again on each
 * new connection and whenever the fault is set.
 */
export interface DropConnectionFault {
  /** Answer this many requests on a connection, then reset it on the next one (0: on the first). */
  afterRequests?: number;
  /** Reset the connection on each request with this probability (0..1). */
  probability?: number;
}

/** Bounds a node keeps (see fleet/node/limits.ts for the defaults and where they come from). */
export interface NodeLimits {
  /** Request streams one peer may have open at once; more are reset. Default 200. */
  maxStreamsPerPeer: number;
  /** A request stream on which nothing arrives for this long is reset. Default 300 000 (5 min). */
  idleStreamTimeoutMs: number;
  /** Filter criteria (pubsub topic × content topic) one peer may hold; more get 503. Default 1 000. */
  maxFilterCriteriaPerPeer: number;
  /** Peers with filter subscriptions at once; a new one beyond gets 503. Default 1 000. */
  maxFilterSubscribers: number;
  /** Messages the store keeps; the oldest go first. Default 100 000. */
  storeMaxMessages: number;
  /** Encoded bytes the store keeps; the oldest go first. Default 64 MiB. */
  storeMaxBytes: number;
}

/** Per-node configuration. */
export interface NodeConfig {
  index: number;
  role: NodeRole;
  clusterId: number;
  numShardsInCluster: number;
  /** Shards this node serves (autosharding). Default: all shards 0..numShardsInCluster-1. */
  shards: number[];
  protocols: ServedProtocol[];
  /** 0 = pick a free port (first start); a restart passes the port the node had. */
  port: number;
  /** Protobuf-encoded secp256k1 private key, hex. Kept by the supervisor so a restart keeps the peer id. */
  privateKeyHex: string;
  /** Filter subscriptions expire after this long without a ping (nwaku: 5 min). */
  filterSubscriptionTtlMs: number;
  fault: Fault;
  /** Overrides of the node's bounds; the rest keep their defaults. */
  limits?: Partial<NodeLimits>;
}

/** What a running node reports about itself. */
export interface NodeIdentity {
  peerId: string;
  /** Full dialable multiaddr ending in /ws/p2p/<peerId>. */
  multiaddr: string;
  /** Text ENR ("enr:..."). */
  enr: string;
  port: number;
}

export type NodeState = "starting" | "running" | "stopped" | "killed" | "frozen";

export interface FleetNodeInfo extends NodeIdentity {
  index: number;
  role: NodeRole;
  state: NodeState;
  protocols: ServedProtocol[];
  fault: Fault;
}

/** Counters a node keeps; `stats(i)` returns them. */
export interface NodeStats {
  /** Peer ids currently connected to this node (fleet peers and clients). */
  connectedPeers: string[];
  lightPushReceived: number;
  lightPushRejected: number;
  filterSubscriptions: number;
  filterPushes: number;
  storeQueries: number;
  storedMessages: number;
  relayReceived: number;
  peerExchangeQueries: number;
  /** Encoded bytes the store holds. */
  storedBytes: number;
  /** Peer-exchange records handed out, over all answers. */
  peerExchangeRecordsSent: number;
  /** TCP connections the `pxFlood` tarpit accepted (it never answers them). */
  tarpitConnections: number;
  /** Client connections reset by the `dropConnection` fault. */
  connectionsDropped: number;
  /** Request streams reset because their peer had `maxStreamsPerPeer` open. */
  streamsRefused: number;
  /** Request streams reset after `idleStreamTimeoutMs` without a byte. */
  idleStreamsReset: number;
  /** Requests that could not be read or decoded (answered with the protocol's error status where it has one). */
  malformedRequests: number;
}

export interface FleetOptions {
  /** Total nodes. Default 3. */
  nodes?: number;
  /** How many of them (the first ones) are bootstrap nodes. Default 1. */
  bootstrap?: number;
  /** Default 42 (a private cluster, like a test network). */
  clusterId?: number;
  /** Default 8. */
  numShardsInCluster?: number;
  /** Per-node overrides by index. */
  overrides?: Record<
    number,
    Partial<Pick<NodeConfig, "protocols" | "shards" | "fault" | "role" | "filterSubscriptionTtlMs" | "limits">>
  >;
  /** Bounds for every node (per-node `overrides[i].limits` win). */
  limits?: Partial<NodeLimits>;
  /**
   * Milliseconds a node may take from its process start until it listens. Default 60 000: a
   * node compiles its TypeScript through tsx as it starts, which on a loaded 2-core machine
   * took up to about 20 s.
   */
  readyTimeoutMs?: number;
}

/** Options of a lifecycle operation (kill, stop, freeze, thaw, restart). */
export interface FleetOperationOptions {
  /**
   * Aborting it drops the operation if it has not started yet (it rejects with code
   * `ABORTED`); one that has started runs to its end, so the node's state stays coherent.
   */
  signal?: AbortSignal;
}

export interface Fleet {
  readonly nodes: readonly FleetNodeInfo[];
  readonly clusterId: number;
  readonly numShardsInCluster: number;
  /** SIGKILL: the process dies, sockets are reset by the OS. */
  kill(index: number, options?: FleetOperationOptions): Promise<void>;
  /** Graceful stop: libp2p stops and closes its connections. */
  stop(index: number, options?: FleetOperationOptions): Promise<void>;
  /** SIGSTOP: the process is frozen, its sockets stay open but nothing answers. */
  freeze(index: number, options?: FleetOperationOptions): Promise<void>;
  /** SIGCONT. */
  thaw(index: number, options?: FleetOperationOptions): Promise<void>;
  /** Start a stopped or killed node again on the same port with the same key; resolves when ready. */
  restart(index: number, options?: FleetOperationOptions): Promise<void>;
  setFault(index: number, fault: Fault): Promise<void>;
  stats(index: number): Promise<NodeStats>;
  /** Stops every node; idempotent. */
  close(): Promise<void>;
}
