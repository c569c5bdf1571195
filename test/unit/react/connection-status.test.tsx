import { render } from "@testing-library/react";
import { afterEach, describe, expect, expectTypeOf, it } from "vitest";

import { useConnectionStatus, usePeers, WakuPeersProvider } from "../../../src/index.js";
import { createAttachedNode } from "./_fake-sdk.js";
import { flush } from "./_render.js";

const FULL = ["lightPush", "filter", "store"] as const;

describe("useConnectionStatus", () => {
  let rendered: string[] = [];
  afterEach(() => {
    rendered = [];
  });

  function Badge() {
    const { status } = useConnectionStatus();
    rendered.push(status);
    return <span data-testid="badge">{status}</span>;
  }

  function PeerCount() {
    const peers = usePeers();
    return <span data-testid="peers">{peers.filter((peer) => peer.connected).length}</span>;
  }

  it("renders a badge once per status change and never for peer events that keep the status", async () => {
    const app = createAttachedNode();
    const view = render(
      <WakuPeersProvider node={app.node} requirements={{ lightPush: 1, filter: 1, store: 1 }}>
        <Badge />
        <PeerCount />
      </WakuPeersProvider>,
    );
    await flush();
    expect(rendered).toEqual(["idle", "connecting"]);

    app.fake.connectPeer("A", { protocols: [...FULL] });
    await flush();
    expect(rendered).toEqual(["idle", "connecting", "connected"]);

    // Peers come and go, identify and update, without changing the status.
    app.fake.connectPeer("B", { protocols: [...FULL], identify: false });
    await flush();
    app.fake.identifyPeer("B");
    app.fake.connectPeer("C", { protocols: ["peerExchange"], tags: ["bootstrap"] });
    app.fake.updatePeer("C", { tags: ["peer-exchange"] });
    await flush();
    app.fake.disconnectPeer("B");
    app.fake.connectPeer("D", { protocols: ["store"] });
    await flush();
    // Those events did reach the store: the peer list followed them.
    expect(view.getByTestId("peers").textContent).toBe("3");
    expect(rendered).toEqual(["idle", "connecting", "connected"]);

    app.fake.disconnectPeer("A");
    await flush();
    expect(rendered).toEqual(["idle", "connecting", "connected", "degraded"]);
    app.fake.disconnectPeer("C");
    app.fake.disconnectPeer("D");
    await flush();
    expect(rendered).toEqual(["idle", "connecting", "connected", "degraded", "reconnecting"]);
    view.unmount();
  });

  it("returns one object per status, with exactly the matching flag set", async () => {
    const app = createAttachedNode();
    const results: ReturnType<typeof useConnectionStatus>[] = [];
    function Probe() {
      const result = useConnectionStatus();
      results.push(result);
      return null;
    }
    const view = render(
      <WakuPeersProvider node={app.node} requirements={{ lightPush: 1, filter: 1, store: 1 }}>
        <Probe />
      </WakuPeersProvider>,
    );
    await flush();
    app.fake.connectPeer("A", { protocols: [...FULL] });
    await flush();
    view.rerender(
      <WakuPeersProvider node={app.node} requirements={{ lightPush: 1, filter: 1, store: 1 }}>
        <Probe />
      </WakuPeersProvider>,
    );

    const connected = results.filter((result) => result.status === "connected");
    expect(connected.length).toBe(2);
    expect(connected[0]).toBe(connected[1]);
    expect(connected[0]).toEqual({
      status: "connected",
      isConnected: true,
      isConnecting: false,
      isReconnecting: false,
      isOffline: false,
      isDegraded: false,
      isDisconnected: false,
    });
    const connecting = results.find((result) => result.status === "connecting");
    expect(connecting?.isConnecting).toBe(true);
    expect(connecting?.isConnected).toBe(false);
    view.unmount();
  });

  it("narrows the status through its flags (types)", () => {
    const narrow = (result: ReturnType<typeof useConnectionStatus>) => {
      if (result.isConnected) expectTypeOf(result.status).toEqualTypeOf<"connected">();
      if (result.isReconnecting) expectTypeOf(result.status).toEqualTypeOf<"reconnecting">();
      if (result.status === "idle") expectTypeOf(result.isConnected).toEqualTypeOf<false>();
    };
    expect(narrow).toBeTypeOf("function");
  });
});
