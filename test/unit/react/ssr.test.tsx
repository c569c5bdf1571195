import { act } from "@testing-library/react";
import { StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { renderToString } from "react-dom/server";
import { beforeEach, describe, expect, it, vi } from "vitest";

import {
  useConnectionStatus,
  usePeerHealth,
  usePeers,
  useReconnect,
  useWakuNode,
  WakuPeersProvider,
} from "../../../src/index.js";
import { createPeerManager } from "../../../src/core/index.js";
import { createFakeNode } from "../_harness.js";
import { nodeFactory } from "./_fake-sdk.js";
import { flush } from "./_render.js";

vi.mock("@waku/sdk", async () => (await import("./_fake-sdk.js")).fakeSdk);

function Dashboard() {
  const { status } = useConnectionStatus();
  const health = usePeerHealth();
  const peers = usePeers();
  const { isReconnecting } = useReconnect();
  const node = useWakuNode();
  return (
    <main>
      <span id="status">{status}</span> <span>{health.overall}</span> <span>{health.filter.required}</span>{" "}
      <span>{peers.length}</span> <span>{String(isReconnecting)}</span> <span id="node">{node ? "node" : "no node"}</span>
    </main>
  );
}

const tree = (
  <StrictMode>
    <WakuPeersProvider options={{ defaultBootstrap: false }} requirements={{ filter: 3 }}>
      <Dashboard />
    </WakuPeersProvider>
  </StrictMode>
);

beforeEach(() => nodeFactory.reset());

describe("server rendering", () => {
  it("renders the idle state on the server, then hydrates without a mismatch", async () => {
    const html = renderToString(tree);
    expect(html).toContain('<span id="status">idle</span>');
    expect(html).toContain("unhealthy");
    expect(html).toContain("<span>3</span>"); // requirements are part of the idle state
    expect(html).toContain('<span id="node">no node</span>');
    expect(nodeFactory.created).toHaveLength(0); // nothing is created on the server

    const container = document.createElement("div");
    container.innerHTML = html;
    document.body.appendChild(container);
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const recoverable: unknown[] = [];
    try {
      const root = await act(async () =>
        hydrateRoot(container, tree, { onRecoverableError: (error) => recoverable.push(error) }),
      );
      await flush();

      expect(recoverable).toEqual([]);
      expect(errors).not.toHaveBeenCalled();
      // After hydration the effect created the node and the state moved on.
      expect(nodeFactory.created).toHaveLength(1);
      expect(container.querySelector("#status")?.textContent).toBe("connecting");
      expect(container.querySelector("#node")?.textContent).toBe("node");

      act(() => root.unmount());
      await flush();
      expect(nodeFactory.running).toHaveLength(0);
    } finally {
      errors.mockRestore();
      container.remove();
    }
  });

  it("uses the store's initial state as the server snapshot, then shows the live state after hydration", async () => {
    const fake = createFakeNode();
    fake.connectPeer("A", { protocols: ["lightPush", "filter", "store"] });
    const manager = createPeerManager(fake.node, { requirements: { lightPush: 1, filter: 1, store: 1 } });
    await flush(); // the manager reads the peer store asynchronously
    expect(manager.store.getState().status).toBe("connected");
    function Badge() {
      return <b>{useConnectionStatus({ manager }).status}</b>;
    }

    const html = renderToString(<Badge />);
    expect(html).toBe("<b>idle</b>");

    const container = document.createElement("div");
    container.innerHTML = html;
    const recoverable: unknown[] = [];
    const root = await act(async () =>
      hydrateRoot(container, <Badge />, { onRecoverableError: (error) => recoverable.push(error) }),
    );
    await flush();
    expect(recoverable).toEqual([]);
    expect(container.textContent).toBe("connected");
    act(() => root.unmount());
    manager.stop();
  });
});
