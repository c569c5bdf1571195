import { act, render } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { shallow } from "zustand/shallow";

import type { HealthState, LostConnectionSignal, PeerInfo, ProtocolHealth } from "../../../src/index.js";
import { useLostConnectionListener, usePeerHealth, usePeers, useWakuPeers, WakuPeersProvider } from "../../../src/index.js";
import { createPeerManager, manualEnvironment } from "../../../src/core/index.js";
import { createFakeNode } from "../_harness.js";
import { createAttachedNode, type FakeLightNode } from "./_fake-sdk.js";
import { flush } from "./_render.js";

const FULL = ["lightPush", "filter", "store"] as const;
const REQUIREMENTS = { lightPush: 1, filter: 1, store: 1 };

let app: FakeLightNode;
beforeEach(() => {
  app = createAttachedNode();
});

function withProvider(children: ReactNode) {
  return (
    <WakuPeersProvider node={app.node} requirements={REQUIREMENTS}>
      {children}
    </WakuPeersProvider>
  );
}

describe("usePeerHealth", () => {
  it("with a protocol re-renders only when that protocol's health changes", async () => {
    const storeHealth: ProtocolHealth[] = [];
    const allHealth: HealthState[] = [];
    function Store() {
      storeHealth.push(usePeerHealth("store"));
      return null;
    }
    function All() {
      allHealth.push(usePeerHealth());
      return null;
    }
    const view = render(
      withProvider(
        <>
          <Store />
          <All />
        </>,
      ),
    );
    await flush();
    const storeRenders = storeHealth.length;
    const allRenders = allHealth.length;

    app.fake.connectPeer("F", { protocols: ["filter"] });
    await flush();
    expect(storeHealth).toHaveLength(storeRenders);
    expect(allHealth).toHaveLength(allRenders + 1);
    expect(allHealth.at(-1)?.filter).toEqual({ connected: 1, required: 1, ok: true });

    app.fake.connectPeer("S", { protocols: ["store"] });
    await flush();
    expect(storeHealth).toHaveLength(storeRenders + 1);
    expect(storeHealth.at(-1)).toEqual({ connected: 1, required: 1, ok: true });
    view.unmount();
  });
});

describe("usePeers", () => {
  it("keeps the array's identity while no peer entry changed", async () => {
    const lists: (readonly PeerInfo[])[] = [];
    function Peers({ label }: { label: string }) {
      lists.push(usePeers());
      return <span>{label}</span>;
    }
    const view = render(withProvider(<Peers label="a" />));
    await flush();
    app.fake.connectPeer("A", { protocols: [...FULL], tags: ["bootstrap"] });
    await flush();
    const withA = lists.at(-1);
    expect(withA?.map((peer) => [peer.id, peer.connected, peer.protocols, peer.tags])).toEqual([
      ["A", true, ["lightPush", "filter", "store"], ["bootstrap"]],
    ]);

    view.rerender(withProvider(<Peers label="b" />)); // a parent render
    await flush();
    expect(lists.at(-1)).toBe(withA);

    app.fake.disconnectPeer("A");
    await flush();
    expect(lists.at(-1)).not.toBe(withA);
    expect(lists.at(-1)?.[0]?.connected).toBe(false);
    view.unmount();
  });
});

describe("usePeers with an explicit manager", () => {
  it("keeps the array's identity when other slices of the state change", async () => {
    const fake = createFakeNode();
    fake.connectPeer("A", { protocols: [...FULL] });
    const environment = manualEnvironment();
    const manager = createPeerManager(fake.node, { environment });
    const lists: (readonly PeerInfo[])[] = [];
    function Peers() {
      lists.push(usePeers({ manager }));
      return null;
    }
    const view = render(<Peers />);
    await flush();
    const first = lists.at(-1);
    expect(first).toHaveLength(1);

    // The device goes offline and back: `online` and `events` change, no peer row does.
    await act(async () => environment.setOnline(false));
    await act(async () => environment.setOnline(true));
    expect(manager.store.getState().events.filter((event) => event.type === "hint")).toHaveLength(2);
    expect(lists.at(-1)).toBe(first);
    view.unmount();
    manager.stop();
  });
});

describe("useWakuPeers", () => {
  it("selects any slice; an object-building selector with shallow re-renders only on change", async () => {
    const selections: { filter: number; store: number }[] = [];
    function Counts() {
      const counts = useWakuPeers(
        (state) => ({ filter: state.health.filter.connected, store: state.health.store.connected }),
        shallow,
      );
      selections.push(counts);
      return <span>{`${counts.filter}/${counts.store}`}</span>;
    }
    const view = render(withProvider(<Counts />));
    await flush();
    const before = selections.length;

    app.fake.connectPeer("L", { protocols: ["lightPush"] }); // neither filter nor store
    await flush();
    expect(selections).toHaveLength(before);

    app.fake.connectPeer("F", { protocols: ["filter"] });
    await flush();
    expect(selections).toHaveLength(before + 1);
    expect(view.container.textContent).toBe("1/0");
    view.unmount();
  });
});

describe("useLostConnectionListener", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(() => vi.useRealTimers());

  it("calls the newest callback after the grace period, never for a blip, and stops on unmount", async () => {
    const calls: string[] = [];
    function Toasts({ name }: { name: string }) {
      useLostConnectionListener((signal: LostConnectionSignal) => calls.push(`${name}:${signal}`));
      return null;
    }
    const view = render(
      <WakuPeersProvider node={app.node} requirements={REQUIREMENTS} lostConnectionGraceMs={1_000}>
        <Toasts name="first" />
      </WakuPeersProvider>,
    );
    await flush();
    app.fake.connectPeer("A", { protocols: [...FULL] });
    await flush();

    // A blip shorter than the grace: nothing.
    app.fake.disconnectPeer("A");
    await flush();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(500);
    });
    app.fake.connectPeer("A", { protocols: [...FULL] });
    await flush();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(2_000);
    });
    expect(calls).toEqual([]);

    // A new callback passed on re-render is the one called.
    view.rerender(
      <WakuPeersProvider node={app.node} requirements={REQUIREMENTS} lostConnectionGraceMs={1_000}>
        <Toasts name="second" />
      </WakuPeersProvider>,
    );
    app.fake.disconnectPeer("A");
    await flush();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1_000);
    });
    await flush();
    expect(calls).toEqual(["second:lost"]);

    app.fake.connectPeer("A", { protocols: [...FULL] });
    await flush();
    expect(calls).toEqual(["second:lost", "second:restored"]);

    view.unmount();
    await flush();
    // After unmount the manager is stopped and nothing more is delivered.
    expect(calls).toEqual(["second:lost", "second:restored"]);
    expect(app.fake.listenerCount()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
