// The provider on a real @waku/sdk light node against a real fleet (issue 12, item 2): re-rendering
// with inline function and object props must keep one peer manager and never flip the status.
// Before the fix, 30 such re-renders gave about 60 flips between connected and connecting.
// Browser globals for React (happy-dom), installed the way the React benchmarks do it; the
// vitest happy-dom environment cannot be used here: it changes how the fleet finds its node script.
import "../../bench/child/dom.js";

import { act, render } from "@testing-library/react";
import { createLightNode, type LightNode } from "@waku/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { lightNodeOptions, startFleet, type Fleet } from "waku-peers-fleet";
import { manualEnvironment, preloadPeerManager } from "../../src/core/index.js";
import { useConnectionStatus, WakuPeersProvider } from "../../src/index.js";
import { unhandledRejections } from "../setup/unhandled.js";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let fleet: Fleet | undefined;
let node: LightNode | undefined;
/** `peer:identify` listeners added since the node was created: a peer manager that attaches adds its own (a few). */
let identifyListenersAdded = 0;

beforeAll(async () => {
  await preloadPeerManager();
  fleet = await startFleet({ nodes: 2, bootstrap: 1 });
  node = await createLightNode(lightNodeOptions(fleet));
  const libp2p = node.libp2p as unknown as { addEventListener: (type: string, ...rest: unknown[]) => void };
  const add = libp2p.addEventListener.bind(libp2p);
  libp2p.addEventListener = (type, ...rest) => {
    if (type === "peer:identify") identifyListenersAdded++;
    add(type, ...rest);
  };
});

afterAll(async () => {
  await node?.stop().catch(() => {});
  await fleet?.close();
  expect(unhandledRejections()).toEqual([]);
});

const statuses: string[] = [];
function StatusLog() {
  const { status } = useConnectionStatus();
  statuses.push(status);
  return null;
}

const waitFor = async (check: () => boolean, timeoutMs: number, what: string): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (statuses ${statuses.slice(-5).join(", ")})`);
    await act(() => new Promise((resolve) => setTimeout(resolve, 25)));
  }
};

describe("<WakuPeersProvider> on a real node", () => {
  it("keeps one peer manager and never flips the status through 30 re-renders with inline props", async () => {
    const environment = manualEnvironment();
    const storage = { getItem: () => null, setItem: () => {} };
    const tree = () => (
      <WakuPeersProvider
        node={node}
        requirements={{ lightPush: 2, filter: 2, store: 1 }}
        random={() => Math.random()}
        parseMultiaddr={(address: string) => ({ toString: () => address })}
        recreateNode={() => true}
        liveness={{ intervalMs: 2_000, timeoutMs: 2_000 }}
        peerCache={{ storage }}
        environment={environment}
      >
        <StatusLog />
      </WakuPeersProvider>
    );
    const view = render(tree());
    await waitFor(() => statuses.at(-1) === "connected", 30_000, "connected");
    const listenersBefore = identifyListenersAdded; // the one manager attached so far
    const rendersBefore = statuses.length;
    for (let index = 0; index < 30; index++) {
      view.rerender(tree());
      await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    }
    const seen = statuses.slice(rendersBefore);
    console.log(
      `[provider] 30 re-renders: ${identifyListenersAdded - listenersBefore} new peer:identify listeners, ` +
        `statuses seen ${JSON.stringify([...new Set(seen)])}`,
    );
    expect(listenersBefore).toBeGreaterThan(0);
    expect(identifyListenersAdded).toBe(listenersBefore); // no second manager attached
    expect(new Set(seen)).toEqual(new Set(["connected"]));
    view.unmount();
  });
});
