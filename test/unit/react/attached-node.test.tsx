import { render } from "@testing-library/react";
import type { LightNode } from "@waku/sdk";
import { StrictMode } from "react";
import { describe, expect, it, vi } from "vitest";

import { useConnectionStatus, useWakuNode, WakuPeersProvider } from "../../../src/index.js";
import { createAttachedNode, nodeFactory } from "./_fake-sdk.js";
import { flush } from "./_render.js";

vi.mock("@waku/sdk", async () => (await import("./_fake-sdk.js")).fakeSdk);

const FULL = ["lightPush", "filter", "store"] as const;

function Probe() {
  const { status } = useConnectionStatus();
  const node = useWakuNode();
  return (
    <p>
      status:{status} node:
      {(node as { libp2p?: { peerId: { toString(): string } } } | undefined)?.libp2p?.peerId.toString() ?? "none"}
    </p>
  );
}

function app(node: LightNode | undefined) {
  return (
    <StrictMode>
      <WakuPeersProvider node={node} requirements={{ lightPush: 1, filter: 1, store: 1 }}>
        <Probe />
      </WakuPeersProvider>
    </StrictMode>
  );
}

describe("an app-managed node", () => {
  it("is attached, followed, and never stopped; unmount only detaches the manager", async () => {
    const attached = createAttachedNode("app-1");
    attached.fake.connectPeer("A", { protocols: [...FULL] }); // before attach: read on attach
    const view = render(app(attached.node));
    await flush();

    expect(view.container.textContent).toBe("status:connected node:app-1");
    expect(attached.fake.listenerCount()).toBeGreaterThan(0);

    view.unmount();
    await flush();
    expect(attached.stopCalls).toBe(0);
    expect(attached.running).toBe(true);
    expect(attached.fake.listenerCount()).toBe(0);
    expect(nodeFactory.created).toHaveLength(0);
  });

  it("can arrive later and be swapped without stopping either node", async () => {
    const first = createAttachedNode("app-1");
    const second = createAttachedNode("app-2");
    second.fake.connectPeer("B", { protocols: [...FULL] });

    const view = render(app(undefined));
    await flush();
    expect(view.container.textContent).toBe("status:idle node:none");

    view.rerender(app(first.node));
    await flush();
    expect(view.container.textContent).toBe("status:connecting node:app-1");

    view.rerender(app(second.node));
    await flush();
    expect(view.container.textContent).toBe("status:connected node:app-2");
    expect(first.fake.listenerCount()).toBe(0);
    expect(first.stopCalls + second.stopCalls).toBe(0);

    view.rerender(app(undefined));
    await flush();
    expect(view.container.textContent).toBe("status:idle node:none");
    expect(second.fake.listenerCount()).toBe(0);
    view.unmount();
  });
});
