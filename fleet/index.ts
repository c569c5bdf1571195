// The polyfill goes first: anything below may create libp2p nodes under Node 20.
import "./polyfill.js";

export { startFleet, FleetError, fleetProcessIds } from "./supervisor.js";
export type { FleetErrorCode, FleetProcessIds } from "./supervisor.js";
export { lightNodeOptions } from "./light-node-options.js";
export type { FleetNetwork } from "./light-node-options.js";
export { startControlApi } from "./control-api.js";
export { parseFault } from "./parse-fault.js";
export type { ControlApi, ControlApiOptions } from "./control-api.js";
export { formatNodeTable } from "./format.js";
export { ALL_SERVED_PROTOCOLS } from "./types.js";
export type {
  DropConnectionFault,
  Fault,
  FleetOperationOptions,
  NodeLimits,
  PxFloodFault,
  Fleet,
  FleetNodeInfo,
  FleetOptions,
  NodeConfig,
  NodeIdentity,
  NodeRole,
  NodeState,
  NodeStats,
  ServedProtocol,
} from "./types.js";
