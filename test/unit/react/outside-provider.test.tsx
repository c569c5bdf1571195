import { render, renderHook } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { createPeerManager, isWakuPeersError, WakuPeersError } from "../../../src/core/index.js";
import {
  useConnectionStatus,
  useLostConnectionListener,
  usePeerHealth,
  usePeers,
  useReconnect,
  useWakuNode,
  useWakuPeers,
} from "../../../src/index.js";
import { createFakeNode } from "../_harness.js";
import { flush } from "./_render.js";

const hooks: Record<string, () => unknown> = {
  useConnectionStatus: () => useConnectionStatus(),
  usePeerHealth: () => usePeerHealth(),
  useReconnect: () => useReconnect(),
  usePeers: () => usePeers(),
  useWakuPeers: () => useWakuPeers((state) => state.status),
  useWakuNode: () => useWakuNode(),
  useLostConnectionListener: () => useLostConnectionListener(() => {}),
};

describe("hooks outside <WakuPeersProvider>", () => {
  // React logs the error a render threw; keep the output for real failures.
  const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
  afterEach(() => consoleError.mockClear());

  it.each(Object.keys(hooks))("%s throws a NO_PROVIDER error naming the hook and the provider", (name) => {
    let thrown: unknown;
    try {
      renderHook(hooks[name]!);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WakuPeersError);
    expect(isWakuPeersError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ name: "WakuPeersError", code: "NO_PROVIDER" });
    expect((thrown as Error).message).toContain("<WakuPeersProvider>");
    expect((thrown as Error).message).toContain(`${name}()`);
  });

  it("work without a provider when given a peer manager", async () => {
    const fake = createFakeNode();
    fake.connectPeer("A", { protocols: ["lightPush", "filter", "store"] });
    const manager = createPeerManager(fake.node, { requirements: { lightPush: 1, filter: 1, store: 1 } });
    function Badge() {
      const { status } = useConnectionStatus({ manager });
      const filter = usePeerHealth("filter", { manager });
      const peers = usePeers({ manager });
      return <p>{`${status} ${filter.connected}/${filter.required} ${peers.length}`}</p>;
    }
    const view = render(<Badge />);
    await flush();
    expect(view.container.textContent).toBe("connected 1/1 1");
    view.unmount();
    manager.stop();
  });
});
