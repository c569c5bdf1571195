// A Node script written against the packed packages: the lines `waku-fleet --json` printed are
// enough to connect a @waku/sdk light node, which waku-peers/core then watches. Like app.tsx it
// imports every public entry of waku-peers-fleet (ENTRIES below; the package test checks it).
// Usage: node connect-to-fleet.js <file with the waku-fleet --json lines>
import { readFileSync } from "node:fs";

// ENTRIES: one import per public entry of waku-peers-fleet. The polyfill goes first (Node 20).
import "waku-peers-fleet/polyfill";
import { lightNodeOptions, type FleetNodeInfo } from "waku-peers-fleet";
import { fleetControl, type FleetControl } from "waku-peers-fleet/control-client";
import { fleetGlobalSetup, type ProvidedFleet } from "waku-peers-fleet/vitest";

import { createLightNode, type CreateNodeOptions } from "@waku/sdk";
import { createPeerManager, type ConnectionStatus } from "waku-peers/core";

type FleetLine =
  | ({ type: "node" } & FleetNodeInfo)
  | { type: "light-node-options"; options: CreateNodeOptions }
  | { type: "control-api"; url: string; token: string };

const CONNECT_TIMEOUT_MS = 60_000;

const lines = readFileSync(process.argv[2] ?? "", "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as FleetLine);
const nodes = lines.flatMap((line) => (line.type === "node" ? [line] : []));
const printed = lines.find((line) => line.type === "light-node-options")?.options;
if (!printed?.networkConfig || !("clusterId" in printed.networkConfig)) throw new Error("no light node options line");
const { clusterId, numShardsInCluster = 0 } = printed.networkConfig as { clusterId: number; numShardsInCluster?: number };
// The library builds the same options from the node lines as the CLI printed.
const rebuilt = lightNodeOptions({ nodes, clusterId, numShardsInCluster });
// The control API line is all a test needs to break the network (what waku-peers-fleet/vitest provides).
const address = lines.find((line) => line.type === "control-api");
if (!address) throw new Error("no control-api line");
const control: FleetControl = fleetControl(address);
const provided: Pick<ProvidedFleet, "control" | "clusterId"> = { control: address, clusterId };
const setup: ReturnType<typeof fleetGlobalSetup> = fleetGlobalSetup({ nodes: 1 });
void setup;

const started = performance.now();
const node = await createLightNode(structuredClone(printed));
const manager = createPeerManager(node);
try {
  const status = await new Promise<ConnectionStatus>((resolve) => {
    const timer = setTimeout(() => resolve(manager.store.getState().status), CONNECT_TIMEOUT_MS);
    const unsubscribe = manager.store.subscribe(
      (state) => state.status,
      (current) => {
        if (current !== "connected") return;
        clearTimeout(timer);
        unsubscribe();
        resolve(current);
      },
      { fireImmediately: true },
    );
  });
  const { health } = manager.store.getState();
  console.log(
    JSON.stringify({
      status,
      connectMs: Math.round(performance.now() - started),
      rebuiltEqualsPrinted: JSON.stringify(rebuilt) === JSON.stringify(printed),
      runningPerControlApi: (await control.nodes()).filter((listed) => listed.state === "running").length,
      cluster: provided.clusterId,
      lightPush: health.lightPush.connected,
      filter: health.filter.connected,
      store: health.store.connected,
    }),
  );
} finally {
  manager.stop();
  await node.stop();
}
