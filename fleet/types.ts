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
 * - `latencyMs`: delay every protocol reply by this many ms.
 * - `wrongCluster`: answer metadata with this cluster id instead of the real one.
 */
export interface Fault {
  lightPushStatus?: number;
  filterSilent?: boolean;
  storeError?: number;
  latencyMs?: number;
  wrongCluster?: number;
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
  overrides?: Record<number, Partial<Pick<NodeConfig, "protocols" | "shards" | "fault" | "role" | "filterSubscriptionTtlMs">>>;
  /** Milliseconds to wait for a node to signal readiness. Default 20 000. */
  readyTimeoutMs?: number;
}

export interface Fleet {
  readonly nodes: readonly FleetNodeInfo[];
  readonly clusterId: number;
  readonly numShardsInCluster: number;
  /** SIGKILL: the process dies, sockets are reset by the OS. */
  kill(index: number): Promise<void>;
  /** Graceful stop: libp2p stops and closes its connections. */
  stop(index: number): Promise<void>;
  /** SIGSTOP: the process is frozen, its sockets stay open but nothing answers. */
  freeze(index: number): Promise<void>;
  /** SIGCONT. */
  thaw(index: number): Promise<void>;
  /** Start a stopped or killed node again on the same port with the same key; resolves when ready. */
  restart(index: number): Promise<void>;
  setFault(index: number, fault: Fault): Promise<void>;
  stats(index: number): Promise<NodeStats>;
  /** Stops every node; idempotent. */
  close(): Promise<void>;
}
