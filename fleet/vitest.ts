/**
 * The fleet as a vitest global setup: one local Waku network for a whole test run, started before
 * the first test file and stopped after the last (also when tests fail), handed to the tests
 * through `inject()`:
 *
 * - `inject("wakuNodeOptions")`: `createLightNode` options for the fleet (a fresh copy per inject);
 * - `inject("wakuFleet")`: the nodes as started, and the control API's address, for breaking the
 *   network from a test with `fleetControl` (`waku-peers-fleet/control-client`).
 */
import type { CreateNodeOptions } from "@waku/interfaces";
// Loads vitest's types into the program so the ProvidedContext augmentation below has a module to extend.
import type {} from "vitest";

import { startControlApi } from "./control-api.js";
import type { FleetControlAddress } from "./control-client.js";
import { lightNodeOptions } from "./light-node-options.js";
import { startFleet } from "./supervisor.js";
import type { FleetNodeInfo, FleetOptions } from "./types.js";

/** What `inject("wakuFleet")` returns. */
export interface ProvidedFleet {
  nodes: FleetNodeInfo[];
  clusterId: number;
  numShardsInCluster: number;
  control: FleetControlAddress;
}

export interface FleetGlobalSetupOptions extends FleetOptions {
  /** Merged into the light node options (see `lightNodeOptions`'s `extra`). */
  lightNode?: CreateNodeOptions;
}

/** The part of vitest's `TestProject` a global setup is given and this uses. */
export interface ProvidingProject {
  provide(key: "wakuNodeOptions", value: CreateNodeOptions): void;
  provide(key: "wakuFleet", value: ProvidedFleet): void;
}

/**
 * A vitest global setup function that starts a fleet (and its control API) and provides it.
 *
 * @example
 * // test/waku-fleet.setup.ts — in vitest.config.ts: test: { globalSetup: ["test/waku-fleet.setup.ts"] }
 * import { fleetGlobalSetup } from "waku-peers-fleet/vitest";
 * export default fleetGlobalSetup({ nodes: 3 });
 */
export function fleetGlobalSetup(
  options: FleetGlobalSetupOptions = {},
): (project: ProvidingProject) => Promise<() => Promise<void>> {
  return async (project) => {
    const { lightNode, ...fleetOptions } = options;
    const fleet = await startFleet(fleetOptions);
    try {
      const control = await startControlApi(fleet);
      project.provide("wakuNodeOptions", lightNodeOptions(fleet, lightNode));
      project.provide("wakuFleet", {
        nodes: structuredClone([...fleet.nodes]),
        clusterId: fleet.clusterId,
        numShardsInCluster: fleet.numShardsInCluster,
        control: { url: control.url, token: control.token },
      });
      return async () => {
        await control.close();
        await fleet.close();
      };
    } catch (error) {
      await fleet.close();
      throw error;
    }
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    wakuNodeOptions: CreateNodeOptions;
    wakuFleet: ProvidedFleet;
  }
}
