// waku-peers-fleet/vitest as a test run uses it: the global setup starts the fleet and provides
// its light node options and control address; a "test" connects a light node with the options and
// breaks the network through the control client; the teardown leaves nothing listening.
import { createLightNode, type CreateNodeOptions, type LightNode } from "@waku/sdk";
import { describe, expect, it } from "vitest";
import { fleetControl, FleetControlError } from "waku-peers-fleet/control-client";
import { fleetGlobalSetup, type ProvidedFleet } from "waku-peers-fleet/vitest";

import { createPeerManager, type PeerManager } from "../../src/core/index.js";
import { listeningAddresses } from "./_fleet-helpers.js";

/** What vitest's TestProject.provide would hand to `inject()` in the test files. */
function providingProject() {
  const provided: { wakuNodeOptions?: CreateNodeOptions; wakuFleet?: ProvidedFleet } = {};
  return {
    provided,
    provide: (key: "wakuNodeOptions" | "wakuFleet", value: unknown) =>
      void Object.assign(provided, { [key]: structuredClone(value) }),
  };
}

describe("waku-peers-fleet/vitest", () => {
  it("provides a fleet a light node connects to and a control address that breaks it; teardown stops every node", async () => {
    const project = providingProject();
    const teardown = await fleetGlobalSetup({ nodes: 3 })(project);
    let node: LightNode | undefined;
    let manager: PeerManager | undefined;
    const ports: number[] = [];
    try {
      const { wakuNodeOptions, wakuFleet } = project.provided;
      expect(wakuFleet?.nodes.map((info) => info.role)).toEqual(["bootstrap", "service", "service"]);
      expect(wakuNodeOptions?.bootstrapPeers).toEqual([wakuFleet?.nodes[0]?.multiaddr]);
      ports.push(...wakuFleet!.nodes.map((info) => info.port), Number(new URL(wakuFleet!.control.url).port));
      expect(ports.flatMap(listeningAddresses)).toEqual(ports.map(() => "127.0.0.1"));

      node = await createLightNode(wakuNodeOptions!);
      await node.start();
      manager = createPeerManager(node, { requirements: { lightPush: 1, filter: 1, store: 1 } });
      const status = () => manager!.store.getState().status;
      await expect.poll(status, { timeout: 30_000, interval: 100 }).toBe("connected");

      const control = fleetControl(wakuFleet!.control);
      await Promise.all(wakuFleet!.nodes.map((info) => control.kill(info.index)));
      expect((await control.nodes()).map((info) => info.state)).toEqual(["killed", "killed", "killed"]);
      await expect.poll(status, { timeout: 10_000, interval: 100 }).not.toBe("connected");
      await Promise.all(wakuFleet!.nodes.map((info) => control.restart(info.index)));
      await expect.poll(status, { timeout: 30_000, interval: 100 }).toBe("connected");
      // The app may be connected through the other nodes before node 1 is re-dialed into the mesh: wait for it.
      await expect
        .poll(async () => (await control.stats(1)).connectedPeers.length, { timeout: 30_000, interval: 100 })
        .toBeGreaterThan(0);

      await expect(control.kill(7)).rejects.toMatchObject({ name: "FleetControlError", status: 404 });
      await expect(fleetControl({ ...wakuFleet!.control, token: "wrong".repeat(4) }).nodes()).rejects.toBeInstanceOf(
        FleetControlError,
      );
    } finally {
      manager?.stop();
      await node?.stop();
      await teardown();
    }
    // Every node and the control API gone: nothing listens on their ports any more.
    expect(ports).toHaveLength(4);
    await expect.poll(() => ports.flatMap(listeningAddresses), { timeout: 10_000 }).toEqual([]);
  });
});
