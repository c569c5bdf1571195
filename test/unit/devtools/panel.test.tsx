import { act, fireEvent, render, waitFor } from "@testing-library/react";
import { StrictMode } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { WakuPeersDevtools, WakuPeersDevtoolsPanel } from "../../../src/devtools/index.js";
import { useMessages, useSend } from "../../../src/message-hooks/index.js";
import {
  createMockPeerManager,
  createMockWakuNode,
  MockWakuPeersProvider,
  type MockPeerManager,
} from "../../../src/testing/index.js";
import { ErrorBoundary } from "./_error-boundary.js";
import { byTestId, devtoolsRoot, inside } from "./_shadow.js";

const managers: MockPeerManager[] = [];
afterEach(() => {
  for (const manager of managers.splice(0)) manager.stop();
});

function mock(...args: Parameters<typeof createMockPeerManager>) {
  const manager = createMockPeerManager(...args);
  managers.push(manager);
  return manager;
}

async function renderPanel(manager: MockPeerManager, extra?: React.ReactNode) {
  const node = createMockWakuNode(manager);
  const view = render(
    <StrictMode>
      <MockWakuPeersProvider manager={manager} node={node}>
        <WakuPeersDevtoolsPanel peerLabels={{ "mock-peer-1": "node one" }} />
        {extra}
      </MockWakuPeersProvider>
    </StrictMode>,
  );
  return { ...view, node, root: await devtoolsRoot(view.container) };
}

describe("<WakuPeersDevtoolsPanel>", () => {
  it("shows the live state: status, counts vs requirements (peer exchange counted, not required), labelled peers", async () => {
    const manager = mock({ status: "connected" });
    const { root } = await renderPanel(manager);
    expect(byTestId(root, "devtools-status").dataset.status).toBe("connected");
    expect(byTestId(root, "devtools-count-lightPush").textContent).toBe("2 / 2");
    expect(inside(root).getByText("counted, not required")).toBeTruthy();
    const peers = root.querySelectorAll<HTMLElement>("[data-testid=devtools-peer]");
    expect([...peers].map((peer) => [peer.dataset.peerId, peer.dataset.state])).toEqual([
      ["mock-peer-1", "connected"],
      ["mock-peer-2", "connected"],
    ]);
    expect(inside(root).getByText("node one")).toBeTruthy();

    act(() => manager.lose());
    expect(byTestId(root, "devtools-status").dataset.status).toBe("reconnecting");
    expect(byTestId(root, "devtools-count-filter").dataset.connected).toBe("0");
    expect(byTestId(root, "devtools-recovery").dataset.inProgress).toBe("true");
    const timeline = [...root.querySelectorAll<HTMLElement>("[data-testid=devtools-timeline-entry]")].map(
      (entry) => entry.dataset.status,
    );
    expect(timeline[0]).toBe("reconnecting");
    expect([...root.querySelectorAll<HTMLElement>("[data-testid=devtools-peer]")].map((peer) => peer.dataset.state)).toEqual([
      "not connected",
      "not connected",
    ]);
  });

  it("reconnect and hard reconnect go through the manager and show their result", async () => {
    const manager = mock({ status: "reconnecting", firstConnectedAt: 1 });
    manager.setReconnect((options) =>
      options?.hard ? { ok: true } : { ok: false, error: { code: "NO_PEERS", message: "nobody to dial" } },
    );
    const { root } = await renderPanel(manager);
    fireEvent.click(byTestId(root, "devtools-reconnect"));
    await waitFor(() => expect(byTestId(root, "devtools-action-result").dataset.ok).toBe("false"));
    expect(byTestId(root, "devtools-action-result").textContent).toContain("NO_PEERS");
    fireEvent.click(byTestId(root, "devtools-hard-reconnect"));
    await waitFor(() => expect(byTestId(root, "devtools-action-result").dataset.ok).toBe("true"));
    expect(manager.calls.reconnect).toEqual([undefined, { hard: true }]);
    expect(byTestId(root, "devtools-status").dataset.status).toBe("connected");
  });

  it("simulate offline goes through manager.simulateOffline and toggles back", async () => {
    const manager = mock({ status: "connected" });
    const { root } = await renderPanel(manager);
    const button = byTestId(root, "devtools-simulate-offline");
    fireEvent.click(button);
    expect(manager.calls.simulateOffline).toEqual([true]);
    expect(button.getAttribute("aria-pressed")).toBe("true");
    expect(byTestId(root, "devtools-online").dataset.online).toBe("false");
    expect(byTestId(root, "devtools-online").textContent).toContain("simulated");
    fireEvent.click(button);
    expect(manager.calls.simulateOffline).toEqual([true, false]);
    expect(byTestId(root, "devtools-online").dataset.online).toBe("true");
  });

  it("hangs up a connected peer through the node; a replaced peer shows as quarantined with its reason", async () => {
    const manager = mock({ status: "connected" });
    const { root, node } = await renderPanel(manager);
    const first = root.querySelector<HTMLElement>('[data-peer-id="mock-peer-1"]')!;
    fireEvent.click(inside(first as unknown as ShadowRoot).getByText("Hang up"));
    await waitFor(() =>
      expect(root.querySelector<HTMLElement>('[data-peer-id="mock-peer-1"]')?.dataset.state).toBe("not connected"),
    );
    expect(node.hangUps).toEqual(["mock-peer-1"]);
    expect(byTestId(root, "devtools-action-result").textContent).toContain("hung up mock-peer-1");

    act(() => {
      manager.updatePeer("mock-peer-2", { score: 40 });
      manager.pushEvent("peer:replaced", "mock-peer-2", "score 40 below 50");
    });
    const replaced = root.querySelector<HTMLElement>('[data-peer-id="mock-peer-2"]')!;
    expect(replaced.dataset.state).toBe("quarantined");
    expect(replaced.textContent).toContain("score 40 below 50");
    act(() => manager.pushEvent("peer:parked", "mock-peer-2", "quarantine over"));
    expect(root.querySelector<HTMLElement>('[data-peer-id="mock-peer-2"]')?.dataset.state).toBe("connected");
  });

  it("lists the message hooks' outboxes and the gaps their watchers could not fill", async () => {
    const manager = mock({ status: "connected" });
    function Chat() {
      useSend("/test/1/chat/proto", { storage: "memory", locks: false });
      useMessages("/test/1/chat/proto", { storage: false, backfill: { settleMs: 0 } });
      return null;
    }
    const { root, node } = await renderPanel(manager, <Chat />);
    await waitFor(() => expect(byTestId(root, "devtools-watcher").dataset.sync).toBe("live"));
    expect(byTestId(root, "devtools-outbox").dataset.pending).toBe("0");
    node.storeFails = true;
    act(() => manager.lose());
    act(() => manager.restore());
    await waitFor(() => expect(byTestId(root, "devtools-watcher").dataset.sync).toBe("gap"));
    expect(byTestId(root, "devtools-gap").textContent).toContain("500");
  });

  it("keeps its styles in its shadow root: nothing is added to the document's own styles", async () => {
    const before = document.querySelectorAll("style, link").length;
    const { root } = await renderPanel(mock({ status: "connected" }));
    expect(document.querySelectorAll("style, link").length).toBe(before);
    expect(root.querySelectorAll("style")).toHaveLength(1);
    expect(root.querySelector("style")?.textContent).toContain(":host { all: initial;");
  });

  it("outside a provider and without a manager it says so (NO_PROVIDER)", async () => {
    const errors: unknown[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    render(
      <ErrorBoundary onError={(error) => errors.push(error)}>
        <WakuPeersDevtoolsPanel />
      </ErrorBoundary>,
    );
    await waitFor(() => expect(errors).toEqual([expect.objectContaining({ code: "NO_PROVIDER" })]));
    spy.mockRestore();
  });
});

describe("<WakuPeersDevtools> (floating)", () => {
  it("starts as a status button, opens and closes, and keeps recording while closed", async () => {
    const manager = mock({ status: "connected" });
    const view = render(
      <MockWakuPeersProvider manager={manager}>
        <WakuPeersDevtools position="top-left" />
      </MockWakuPeersProvider>,
    );
    const root = await devtoolsRoot(view.container);
    const toggle = byTestId(root, "devtools-toggle");
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    expect(toggle.textContent).toContain("connected");
    expect(root.querySelector("[data-testid=waku-peers-devtools]")).toBeNull();
    expect(root.querySelector(".floating.top-left")).not.toBeNull();

    act(() => manager.setStatus("degraded"));
    expect(toggle.textContent).toContain("degraded");
    fireEvent.click(toggle);
    const statuses = [...root.querySelectorAll<HTMLElement>("[data-testid=devtools-timeline-entry]")].map(
      (entry) => entry.dataset.status,
    );
    expect(statuses.slice(0, 2)).toEqual(["degraded", "connected"]);
    fireEvent.click(byTestId(root, "devtools-close"));
    expect(root.querySelector("[data-testid=waku-peers-devtools]")).toBeNull();
  });

  it("initialIsOpen opens it on first render", async () => {
    const view = render(
      <MockWakuPeersProvider state={{ status: "offline", online: false }}>
        <WakuPeersDevtools initialIsOpen />
      </MockWakuPeersProvider>,
    );
    const root = await devtoolsRoot(view.container);
    await waitFor(() => expect(byTestId(root, "devtools-status").dataset.status).toBe("offline"));
  });
});
