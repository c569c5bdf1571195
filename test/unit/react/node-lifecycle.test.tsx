import { render } from "@testing-library/react";
import type { CreateNodeOptions } from "@waku/sdk";
import { StrictMode, type ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { useConnectionStatus, usePeerHealth, useWakuNode, useWakuPeers, WakuPeersProvider } from "../../../src/index.js";
import { unhandledRejections } from "../../setup/unhandled.js";
import { nodeFactory } from "./_fake-sdk.js";
import { flush } from "./_render.js";

vi.mock("@waku/sdk", async () => (await import("./_fake-sdk.js")).fakeSdk);

const FULL = ["lightPush", "filter", "store"] as const;

function Status() {
  const { status } = useConnectionStatus();
  const lastError = useWakuPeers((state) => state.lastError);
  const node = useWakuNode();
  const store = usePeerHealth("store");
  return (
    <p>
      status:{status} error:{lastError?.message ?? "none"} node:{node ? "yes" : "no"} store-required:{store.required}
    </p>
  );
}

function app(options: CreateNodeOptions, extra: { requirements?: { store?: number } } = {}, children: ReactNode = <Status />) {
  return (
    <WakuPeersProvider options={options} requirements={extra.requirements}>
      {children}
    </WakuPeersProvider>
  );
}

const rejectionsBefore = { count: 0 };

beforeEach(() => {
  nodeFactory.reset();
  rejectionsBefore.count = unhandledRejections().length;
});

afterEach(() => {
  expect(unhandledRejections().length).toBe(rejectionsBefore.count);
});

describe("a node created from options", () => {
  it("is created in an effect, started once, and shown once started", async () => {
    const view = render(app({ bootstrapPeers: ["/dns4/a/tcp/8000/wss/p2p/A"] }));
    // Rendering never waits for the node: it is being created, not shown yet.
    expect(view.container.textContent).toContain("status:connecting");
    expect(view.container.textContent).toContain("node:no");
    await flush();

    expect(nodeFactory.created).toHaveLength(1);
    const [created] = nodeFactory.created;
    expect(created?.startCalls).toBe(1);
    expect(created?.options?.autoStart).toBe(false); // started by the provider, not by createLightNode
    expect(view.container.textContent).toContain("node:yes");
    expect(view.container.textContent).toContain("status:connecting");

    created?.fake.connectPeer("A", { protocols: [...FULL] });
    created?.fake.connectPeer("B", { protocols: [...FULL] });
    await flush();
    expect(view.container.textContent).toContain("status:connected");
    view.unmount();
  });

  it("under StrictMode starts exactly one node and leaves none running after unmount", async () => {
    const view = render(<StrictMode>{app({ defaultBootstrap: false })}</StrictMode>);
    await flush();

    expect(nodeFactory.created).toHaveLength(1);
    expect(nodeFactory.created[0]?.startCalls).toBe(1);
    expect(nodeFactory.running).toHaveLength(1);

    view.unmount();
    await flush();
    expect(nodeFactory.running).toHaveLength(0);
    expect(nodeFactory.created).toHaveLength(1);
  });

  it("unmount stops the node and leaves no libp2p listener and no pending timer", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
    try {
      const view = render(app({}, { requirements: { store: 1 } }));
      await flush();
      const created = nodeFactory.created[0]!;
      created.fake.connectPeer("A", { protocols: [...FULL] });
      created.fake.connectPeer("B", { protocols: [...FULL] });
      await flush();
      created.fake.disconnectPeer("A"); // below requirements: the lost-connection grace timer runs
      await flush();
      expect(created.fake.listenerCount()).toBeGreaterThan(0);
      expect(vi.getTimerCount()).toBeGreaterThan(0);

      view.unmount();
      await flush();
      expect(created.stopCalls).toBe(1);
      expect(created.running).toBe(false);
      expect(created.fake.listenerCount()).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("is not recreated when new options are structurally equal", async () => {
    const view = render(
      app({ bootstrapPeers: ["/dns4/a/tcp/8000/wss/p2p/A"], networkConfig: { clusterId: 1, numShardsInCluster: 8 } }),
    );
    await flush();
    view.rerender(
      app({ networkConfig: { numShardsInCluster: 8, clusterId: 1 }, bootstrapPeers: ["/dns4/a/tcp/8000/wss/p2p/A"] }),
    );
    view.rerender(
      app({
        bootstrapPeers: ["/dns4/a/tcp/8000/wss/p2p/A"],
        networkConfig: { clusterId: 1, numShardsInCluster: 8 },
        userAgent: undefined,
      }),
    );
    await flush();

    expect(nodeFactory.created).toHaveLength(1);
    expect(nodeFactory.created[0]?.stopCalls).toBe(0);
    view.unmount();
  });

  it("is replaced by exactly one stop and one create when the options really change", async () => {
    const view = render(app({ bootstrapPeers: ["/dns4/a/tcp/8000/wss/p2p/A"] }));
    await flush();
    view.rerender(app({ bootstrapPeers: ["/dns4/b/tcp/8000/wss/p2p/B"] }));
    await flush();

    expect(nodeFactory.created).toHaveLength(2);
    const [first, second] = nodeFactory.created;
    expect(first?.stopCalls).toBe(1);
    expect(second?.options?.bootstrapPeers).toEqual(["/dns4/b/tcp/8000/wss/p2p/B"]);
    expect(nodeFactory.running).toEqual([second]);
    expect(view.container.textContent).toContain("node:yes");
    view.unmount();
  });

  it("gives createLightNode a deep copy, since it writes into its options", async () => {
    const discovery = vi.fn();
    const options: CreateNodeOptions = {
      bootstrapPeers: ["/dns4/a/tcp/8000/wss/p2p/A"],
      libp2p: { peerDiscovery: [discovery] },
    };
    const view = render(app(options));
    await flush();

    const received = nodeFactory.created[0]?.options;
    expect(received).not.toBe(options);
    expect(received?.bootstrapPeers).not.toBe(options.bootstrapPeers);
    expect(received?.libp2p?.peerDiscovery?.[0]).toBe(discovery); // functions are shared, not copied
    // The fake SDK pushed into its copy; the app's options are untouched, so they still compare equal.
    expect(received?.libp2p?.peerDiscovery).toHaveLength(2);
    expect(options.libp2p?.peerDiscovery).toEqual([discovery]);
    view.rerender(app(options));
    await flush();
    expect(nodeFactory.created).toHaveLength(1);
    view.unmount();
  });

  it("reports a failed creation as state, never as an unhandled rejection", async () => {
    nodeFactory.next({ fail: new Error("no transports") });
    const view = render(app({}));
    await flush();

    expect(view.container.textContent).toContain("status:disconnected");
    expect(view.container.textContent).toContain("error:no transports");
    expect(view.container.textContent).toContain("node:no");
    view.unmount();
  });

  it("stops a node whose start failed and reports why", async () => {
    nodeFactory.next({ failStart: new Error("listen failed") });
    const view = render(app({}));
    await flush();

    expect(view.container.textContent).toContain("status:disconnected");
    expect(view.container.textContent).toContain("error:listen failed");
    expect(nodeFactory.created[0]?.stopCalls).toBe(1);
    view.unmount();
  });

  it("never starts a node whose creation finishes after unmount", async () => {
    let finishCreation!: () => void;
    nodeFactory.next({ until: new Promise<void>((resolve) => (finishCreation = resolve)) });
    const view = render(app({}));
    await flush();
    view.unmount();
    await flush();
    finishCreation();
    await flush();

    expect(nodeFactory.created).toHaveLength(1);
    expect(nodeFactory.created[0]?.startCalls).toBe(0);
    expect(nodeFactory.created[0]?.stopCalls).toBe(1);
  });

  it("applies new requirements to the same node", async () => {
    const view = render(app({}, { requirements: { store: 1 } }));
    await flush();
    const created = nodeFactory.created[0]!;
    created.fake.connectPeer("A", { protocols: [...FULL] });
    created.fake.connectPeer("B", { protocols: [...FULL] });
    await flush();
    expect(view.container.textContent).toContain("status:connected");

    view.rerender(app({}, { requirements: { store: 3 } }));
    await flush();
    expect(nodeFactory.created).toHaveLength(1);
    expect(created.stopCalls).toBe(0);
    expect(view.container.textContent).toContain("store-required:3");
    expect(view.container.textContent).toContain("status:degraded");
    view.unmount();
  });

  it("warns once in development when only a function identity changed", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const view = render(app({ libp2p: { peerDiscovery: [() => ({}) as never] } }));
      await flush();
      view.rerender(app({ libp2p: { peerDiscovery: [() => ({}) as never] } }));
      await flush();
      view.rerender(app({ libp2p: { peerDiscovery: [() => ({}) as never] } }));
      await flush();

      expect(nodeFactory.created).toHaveLength(3);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/identity of a function/);
      view.unmount();
    } finally {
      warn.mockRestore();
    }
  });
});

describe("misuse", () => {
  it("throws invalid requirements during render, for an error boundary to show", () => {
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      expect(() =>
        render(
          // @ts-expect-error: a typo an app can make in plain JS
          <WakuPeersProvider options={{}} requirements={{ lightpush: 2 }}>
            <Status />
          </WakuPeersProvider>,
        ),
      ).toThrow(/unknown protocol "lightpush"/);
      expect(nodeFactory.created).toHaveLength(0);
    } finally {
      consoleError.mockRestore();
    }
  });

  it("throws every other invalid manager option during render too, as the README promises", () => {
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      expect(() =>
        render(
          <WakuPeersProvider options={{}} maxEvents={-1}>
            <Status />
          </WakuPeersProvider>,
        ),
      ).toThrow(/Invalid peer manager options: maxEvents must be an integer from 0 to 10000, got -1/);
      expect(nodeFactory.created).toHaveLength(0);
    } finally {
      consoleError.mockRestore();
    }
  });
});
