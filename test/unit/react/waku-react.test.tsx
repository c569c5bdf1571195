import { render } from "@testing-library/react";
import { WakuProvider } from "@waku/react";
import { StrictMode } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { useConnectionStatus, useWakuNode } from "../../../src/index.js";
import { WakuReactPeersProvider } from "../../../src/provider/waku-react.js";
import { nodeFactory } from "./_fake-sdk.js";
import { flush } from "./_render.js";

vi.mock("@waku/sdk", async () => (await import("./_fake-sdk.js")).fakeSdk);
// @waku/react is inlined by the unit project (vitest.config.ts), so its own `import "@waku/sdk"`
// also receives the fake above.

const FULL = ["lightPush", "filter", "store"] as const;

function Probe() {
  const { status } = useConnectionStatus();
  const node = useWakuNode();
  return (
    <p>
      status:{status} node:{node === undefined ? "none" : "picked up"}
    </p>
  );
}

beforeEach(() => nodeFactory.reset());

describe("inside @waku/react's WakuProvider", () => {
  it("picks up the node it created, follows it, and leaves stopping it to @waku/react", async () => {
    nodeFactory.onCreate = (created) => created.fake.connectPeer("A", { protocols: [...FULL] });
    const view = render(
      <StrictMode>
        <WakuProvider options={{ defaultBootstrap: false }}>
          <WakuReactPeersProvider requirements={{ lightPush: 1, filter: 1, store: 1 }}>
            <Probe />
          </WakuReactPeersProvider>
        </WakuProvider>
      </StrictMode>,
    );
    await flush();

    // @waku/react 0.0.8 creates a node per effect run; the one it keeps is the one we follow.
    const node = nodeFactory.created.at(-1)!;
    expect(view.container.textContent).toBe("status:connected node:picked up");
    expect(node.fake.listenerCount()).toBeGreaterThan(0);

    view.unmount();
    await flush();
    expect(node.fake.listenerCount()).toBe(0);
    expect(node.stopCalls).toBe(0);
  });
});
