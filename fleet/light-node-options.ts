/**
 * `createLightNode` options that point a `@waku/sdk` light node at a fleet and nowhere else.
 */
import type { CreateNodeOptions } from "@waku/interfaces";
import type { Fleet } from "./types.js";

export type FleetNetwork = Pick<Fleet, "nodes" | "clusterId" | "numShardsInCluster">;

/**
 * A fresh object on every call (`createLightNode` writes into the options it is given, e.g. it
 * pushes into `libp2p.peerDiscovery`). Without `extra` the result is plain JSON, so it can be
 * handed to a browser page as is.
 *
 * - `bootstrapPeers`: the fleet's bootstrap-role nodes; the rest is found through peer exchange.
 * - `filterMultiaddrs: false`: the SDK dials only `wss` otherwise; the fleet listens on `ws`.
 * - More than three bootstrap nodes need `connectionManager.maxBootstrapPeers` raised in `extra`
 *   (the SDK hangs up and re-dials bootstrap peers beyond its limit).
 *
 * `extra` is merged in: plain objects key by key (so `{ libp2p: { connectionMonitor } }` keeps
 * `filterMultiaddrs`), anything else (arrays included) replaces the default.
 */
export function lightNodeOptions(fleet: FleetNetwork, extra: CreateNodeOptions = {}): CreateNodeOptions {
  const base: CreateNodeOptions = {
    defaultBootstrap: false,
    discovery: { dns: false, peerExchange: true, peerCache: false },
    bootstrapPeers: fleet.nodes.filter((node) => node.role === "bootstrap" && node.multiaddr).map((node) => node.multiaddr),
    networkConfig: { clusterId: fleet.clusterId, numShardsInCluster: fleet.numShardsInCluster },
    libp2p: { filterMultiaddrs: false, hideWebSocketInfo: true },
  };
  return mergePlain(base, copyPlain(extra)) as CreateNodeOptions;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Copies plain objects and arrays; functions, class instances and byte arrays are shared. */
function copyPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyPlain);
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, copyPlain(inner)]));
  }
  return value;
}

function mergePlain(base: unknown, extra: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(extra)) return extra === undefined ? base : extra;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) merged[key] = mergePlain(base[key], value);
  return merged;
}
