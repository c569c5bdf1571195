// @vitest-environment node
import { renderToString } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";

import { useConnectionStatus, usePeerHealth, useWakuNode, WakuPeersProvider } from "../../../src/index.js";
import { nodeFactory } from "./_fake-sdk.js";

vi.mock("@waku/sdk", async () => (await import("./_fake-sdk.js")).fakeSdk);

function Badge() {
  const { status } = useConnectionStatus();
  const { overall } = usePeerHealth();
  const node = useWakuNode();
  return <b>{`${status} ${overall} ${node === undefined ? "no node" : "node"}`}</b>;
}

describe("server rendering without a DOM", () => {
  it("imports and renders with no window, showing idle and creating nothing", () => {
    expect(typeof window).toBe("undefined");
    const html = renderToString(
      <WakuPeersProvider options={{ defaultBootstrap: true }}>
        <Badge />
      </WakuPeersProvider>,
    );
    expect(html).toBe("<b>idle unhealthy no node</b>");
    expect(nodeFactory.created).toHaveLength(0);
  });
});
