import { act, render } from "@testing-library/react";
import type { LightNode } from "@waku/sdk";
import { afterEach, describe, expect, it, vi } from "vitest";

import { manualEnvironment } from "../../../src/core/index.js";
import type { WakuPeersProviderBaseProps } from "../../../src/index.js";
import { useConnectionStatus, useReconnect, WakuPeersProvider } from "../../../src/index.js";
import { FULL } from "../_harness.js";
import { createAttachedNode, type FakeLightNode } from "./_fake-sdk.js";
import { flush } from "./_render.js";

vi.mock("@waku/sdk", async () => (await import("./_fake-sdk.js")).fakeSdk);

const REQUIREMENTS = { lightPush: 1, filter: 1, store: 1 };

/** Managers attached to the node so far: each one registers exactly one `peer:identify` listener. */
/** `peer:identify` listeners added to the node: every manager that attaches adds its own (a few, one per part). */
function identifyListenersAdded(app: FakeLightNode): () => number {
  let count = 0;
  const add = app.fake.libp2p.addEventListener.bind(app.fake.libp2p);
  app.fake.libp2p.addEventListener = ((type, listener) => {
    if (type === "peer:identify") count++;
    add(type, listener);
  }) as typeof app.fake.libp2p.addEventListener;
  return () => count;
}

function connectedNode(): FakeLightNode {
  const app = createAttachedNode();
  app.fake.connectPeer("A", { protocols: [...FULL] });
  return app;
}

const statuses: string[] = [];
function StatusLog() {
  const { status } = useConnectionStatus();
  statuses.push(status);
  return <span>{status}</span>;
}

afterEach(() => {
  statuses.length = 0;
  vi.useRealTimers();
});

describe("<WakuPeersProvider> props", () => {
  it("30 re-renders with inline function and object props attach one manager and never flip the status", async () => {
    const app = connectedNode();
    const listenersAdded = identifyListenersAdded(app);
    const storage = { getItem: () => null, setItem: () => {} };
    const environment = manualEnvironment();
    const tree = (renderIndex: number) => (
      <WakuPeersProvider
        node={app.node}
        requirements={{ ...REQUIREMENTS }}
        random={() => 0.5}
        parseMultiaddr={(address: string) => ({ toString: () => address })}
        recreateNode={() => renderIndex >= 0}
        liveness={{ intervalMs: 2_000 }}
        peerCache={{ storage, maxPeers: 10 }}
        environment={environment}
      >
        <StatusLog />
      </WakuPeersProvider>
    );
    const view = render(tree(0));
    await flush();
    expect(statuses.at(-1)).toBe("connected");
    const before = statuses.length;
    const oneManager = listenersAdded();
    expect(oneManager).toBeGreaterThan(0);
    for (let index = 1; index <= 30; index++) view.rerender(tree(index));
    await flush();
    expect(listenersAdded()).toBe(oneManager); // no second manager attached
    expect(new Set(statuses.slice(before))).toEqual(new Set(["connected"]));
    view.unmount();
  });

  it("always calls the latest callback prop", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const app = createAttachedNode();
    const calls: string[] = [];
    let reconnect: ReturnType<typeof useReconnect>["reconnect"] | undefined;
    function Lever() {
      reconnect = useReconnect().reconnect;
      return null;
    }
    const tree = (name: string) => (
      <WakuPeersProvider node={app.node} recreateNode={() => void calls.push(name)}>
        <Lever />
      </WakuPeersProvider>
    );
    const view = render(tree("first"));
    await flush();
    view.rerender(tree("second"));
    await flush();
    const result = reconnect!({ hard: true, timeoutMs: 10 });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(10);
    });
    await expect(result).resolves.toMatchObject({ ok: true, recreated: true });
    expect(calls).toEqual(["second"]);
    view.unmount();
  });

  it("validates every prop during render, for an error boundary to show", () => {
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    const app = createAttachedNode();
    const listenersAdded = identifyListenersAdded(app);
    try {
      for (const [props, message] of [
        [{ maxEvents: 1e10 }, "maxEvents must be an integer from 0 to 10000"],
        [{ liveness: { intervalMS: 1_000 } }, 'unknown option "liveness.intervalMS" (did you mean "intervalMs"?)'],
        [{ recovery: { giveUpAfterMs: 1e12 } }, "recovery.giveUpAfterMs must be a duration in ms from 0 to 2147483647"],
      ] as const) {
        const bad = props as unknown as Partial<WakuPeersProviderBaseProps>;
        expect(() => render(<WakuPeersProvider node={app.node as LightNode} {...bad} />)).toThrow(message);
      }
      expect(listenersAdded()).toBe(0); // no manager attached
    } finally {
      consoleError.mockRestore();
    }
  });

  it("refuses an unknown prop in development, and ignores it in production", async () => {
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    const app = connectedNode();
    const unknown = { onError: () => {} } as unknown as Partial<WakuPeersProviderBaseProps>;
    try {
      expect(() => render(<WakuPeersProvider node={app.node} {...unknown} />)).toThrow(
        'Invalid peer manager options: unknown option "onError" on <WakuPeersProvider>',
      );
    } finally {
      consoleError.mockRestore();
    }
    const mode = process.env.NODE_ENV;
    process.env.NODE_ENV = "production";
    try {
      const view = render(
        <WakuPeersProvider node={app.node} requirements={REQUIREMENTS} {...unknown}>
          <StatusLog />
        </WakuPeersProvider>,
      );
      await flush();
      expect(statuses.at(-1)).toBe("connected");
      view.unmount();
    } finally {
      process.env.NODE_ENV = mode;
    }
  });

  it("warns in development when a seam (clock, environment, peerCache.storage) is new on every render", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const app = connectedNode();
      const stable = manualEnvironment();
      const view = render(<WakuPeersProvider node={app.node} environment={stable} />);
      for (let index = 0; index < 5; index++) view.rerender(<WakuPeersProvider node={app.node} environment={stable} />);
      await flush();
      expect(warn).not.toHaveBeenCalled();

      for (let index = 0; index < 5; index++) {
        view.rerender(<WakuPeersProvider node={app.node} environment={manualEnvironment()} />);
        await flush();
      }
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/new environment on 3 renders in a row/);
      view.unmount();
    } finally {
      warn.mockRestore();
    }
  });
});
