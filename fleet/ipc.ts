/**
 * Messages between the supervisor (parent) and a service node (child, started with
 * child_process.fork so the IPC channel exists). The child exits when the channel closes,
 * which is how every child dies with its parent, even when the parent is SIGKILLed.
 */
import type { Fault, NodeConfig, NodeIdentity, NodeStats } from "./types.js";

/** A fleet peer the node should connect to (relay mesh) and hand out in peer exchange. */
export interface FleetPeer {
  peerId: string;
  multiaddr: string;
  enr: string;
}

export type ParentMessage =
  | { type: "start"; config: NodeConfig }
  /** The current list of the other fleet nodes; sent after every (re)start of any node. */
  | { type: "peers"; peers: FleetPeer[] }
  | { type: "set-fault"; fault: Fault; requestId: number }
  | { type: "stats"; requestId: number }
  /** Graceful: stop libp2p, then exit(0). */
  | { type: "stop" };

export type ChildMessage =
  /** The child's code is loaded (under tsx: compiled) and it is about to read `start`. */
  | { type: "loaded" }
  | ({ type: "ready" } & NodeIdentity)
  | { type: "fault-set"; requestId: number }
  | { type: "stats"; requestId: number; stats: NodeStats }
  | { type: "error"; message: string };
