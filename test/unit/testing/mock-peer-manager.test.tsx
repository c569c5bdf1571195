import { act, render, renderHook, screen } from "@testing-library/react";
import { StrictMode, type ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import {
  useConnectionStatus,
  useLostConnectionListener,
  usePeerHealth,
  usePeers,
  useReconnect,
  useWakuNode,
} from "../../../src/index.js";
import { createMockPeerManager, MockWakuPeersProvider, scenario, type MockPeerManager } from "../../../src/testing/index.js";

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

const under = (manager: MockPeerManager) =>
  function Wrapper({ children }: { children: ReactNode }) {
    return <MockWakuPeersProvider manager={manager}>{children}</MockWakuPeersProvider>;
  };

describe("createMockPeerManager", () => {
  it("starts idle; { status: 'connected' } alone comes with just enough peers to meet the requirements", () => {
    expect(createMockPeerManager().store.getState()).toMatchObject({
      status: "idle",
      peers: {},
      health: { overall: "unhealthy" },
    });
    const connected = createMockPeerManager({ status: "connected" }, { requirements: { lightPush: 3 } }).store.getState();
    expect(Object.keys(connected.peers)).toEqual(["mock-peer-1", "mock-peer-2", "mock-peer-3"]);
    expect(connected.health).toMatchObject({
      overall: "healthy",
      lightPush: { connected: 3, required: 3, ok: true },
      peerExchange: { connected: 0, required: 0, ok: true },
    });
    expect(connected.firstConnectedAt).toBeTypeOf("number");
  });

  it("health follows the peers through the core's own rule; setHealth sets counts alone", () => {
    const manager = createMockPeerManager({ status: "connecting" });
    manager.addPeer({ id: "A", protocols: ["lightPush", "filter"] });
    expect(manager.store.getState().health).toMatchObject({
      overall: "degraded",
      lightPush: { connected: 1 },
      store: { connected: 0, ok: false },
    });
    manager.addPeer({ id: "B" });
    manager.addPeer({ id: "C", connected: false });
    expect(manager.store.getState().health).toMatchObject({
      overall: "healthy",
      lightPush: { connected: 2 },
      store: { connected: 1 },
    });
    manager.removePeer("B");
    expect(manager.store.getState().health.overall).toBe("degraded");
    manager.setHealth({ filter: 0, lightPush: 0 });
    expect(manager.store.getState().health).toMatchObject({ overall: "unhealthy", store: { connected: 0 } });
    expect(manager.store.getState().events.map((event) => event.type)).toEqual([
      "status",
      "peer:connected",
      "peer:connected",
      "peer:disconnected",
    ]);
  });

  it("the hooks under MockWakuPeersProvider read the mock exactly as they read a real manager", () => {
    const manager = createMockPeerManager({ status: "connected" });
    const { result } = renderHook(
      () => ({ status: useConnectionStatus(), filter: usePeerHealth("filter"), peers: usePeers(), node: useWakuNode() }),
      {
        wrapper: under(manager),
      },
    );
    expect(result.current.status).toMatchObject({ status: "connected", isConnected: true });
    expect(result.current.filter).toEqual({ connected: 2, required: 2, ok: true });
    expect(result.current.peers.map((peer) => peer.id)).toEqual(["mock-peer-1", "mock-peer-2"]);
    expect(result.current.node?.libp2p.getConnections()).toHaveLength(2);
    act(() => manager.setStatus("degraded"));
    expect(result.current.status).toMatchObject({ status: "degraded", isDegraded: true });
  });

  it("lose() and restore() tell the story a real outage tells: statuses, peers, and the lost-connection signal", () => {
    const manager = createMockPeerManager({ status: "connected" });
    const signals: string[] = [];
    const { result } = renderHook(
      () => {
        useLostConnectionListener((signal) => signals.push(signal));
        return useConnectionStatus().status;
      },
      { wrapper: under(manager) },
    );
    act(() => manager.lose());
    expect(result.current).toBe("reconnecting");
    expect(manager.store.getState()).toMatchObject({
      lost: "lost",
      health: { overall: "unhealthy" },
      recovery: { inProgress: true, attempt: 1 },
    });
    expect(Object.values(manager.store.getState().peers).map((peer) => peer.connected)).toEqual([false, false]);
    act(() => manager.restore());
    expect(result.current).toBe("connected");
    expect(manager.store.getState()).toMatchObject({
      lost: "restored",
      health: { overall: "healthy" },
      recovery: { inProgress: false },
    });
    expect(manager.store.getState().recovery.lastRecoveredAt).toBeTypeOf("number");
    act(() => manager.fail());
    expect(result.current).toBe("disconnected");
    expect(manager.store.getState().lastError?.code).toBe("GAVE_UP");
    expect(signals).toEqual(["lost", "restored", "failed"]);
  });

  it("reconnect follows its script on the mock's clock and records every call; it never rejects", async () => {
    const manager = createMockPeerManager({ status: "reconnecting", firstConnectedAt: 1 });
    manager.setReconnect({ ok: false, delayMs: 1_000, error: { code: "NO_PEERS", message: "nobody to dial" } });
    const { result } = renderHook(() => useReconnect(), { wrapper: under(manager) });
    let outcome: Promise<unknown> | undefined;
    act(() => {
      outcome = result.current.reconnect({ hard: true });
    });
    expect(result.current.isReconnecting).toBe(true);
    expect(manager.store.getState().recovery).toMatchObject({ manual: true, progress: { dialed: 0, total: 1 } });
    await act(() => vi.advanceTimersByTimeAsync(999));
    expect(result.current.isReconnecting).toBe(true);
    await act(() => vi.advanceTimersByTimeAsync(1));
    await expect(outcome).resolves.toMatchObject({ ok: false, durationMs: 1_000, error: { code: "NO_PEERS" } });
    expect(result.current).toMatchObject({ isReconnecting: false, error: { code: "NO_PEERS" } });
    expect(manager.store.getState()).toMatchObject({ status: "reconnecting", lastError: { code: "NO_PEERS" } });

    manager.setReconnect((options) => ({ ok: options?.hard !== true }));
    await act(async () => {
      await expect(result.current.reconnect()).resolves.toMatchObject({ ok: true, status: "connected" });
    });
    expect(manager.store.getState().status).toBe("connected");
    expect(manager.calls.reconnect).toEqual([{ hard: true }, undefined]);
  });

  it("records reports with the core's scoring and refuses bad ones like the real manager", () => {
    const manager = createMockPeerManager({ status: "connected" });
    manager.reportFailure("mock-peer-1", "lightPush", "rejected");
    manager.reportSuccess("mock-peer-2", "store");
    expect(manager.store.getState().peers["mock-peer-1"]).toMatchObject({
      score: 80,
      lastFailure: { protocol: "lightPush", reason: "rejected" },
    });
    expect(manager.calls.reportFailure).toEqual([{ peerId: "mock-peer-1", protocol: "lightPush", reason: "rejected" }]);
    expect(() => manager.reportFailure("mock-peer-1", "lightpush" as never)).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
    manager.simulateOffline(true);
    expect(manager.store.getState().online).toBe(false);
    expect(manager.calls.simulateOffline).toEqual([true]);
  });

  it("stop() ends in disconnected, drops the listeners, and a reconnect after it says STOPPED", async () => {
    const manager = createMockPeerManager({ status: "connected" });
    const listener = vi.fn();
    manager.onLostConnection(listener);
    manager.stop();
    manager.lose();
    expect(listener).not.toHaveBeenCalled();
    expect(manager.store.getState().status).toBe("disconnected");
    await expect(manager.reconnect()).resolves.toMatchObject({ ok: false, error: { code: "STOPPED" } });
    expect(manager.calls.stop).toBe(1);
  });
});

describe("scenario", () => {
  it("plays its steps on the mock's clock: fake timers move it deterministically", async () => {
    const manager = createMockPeerManager({ status: "connected" });
    const story = scenario(manager, [
      { after: 1_000, status: "degraded" },
      { after: 1_000, lose: true },
      { after: 3_000, restore: true },
      { after: 0, run: (mock) => mock.setOnline(false) },
    ]);
    vi.advanceTimersByTime(999);
    expect(manager.store.getState().status).toBe("connected");
    vi.advanceTimersByTime(1);
    expect(manager.store.getState().status).toBe("degraded");
    vi.advanceTimersByTime(1_000);
    expect(manager.store.getState()).toMatchObject({ status: "reconnecting", lost: "lost" });
    expect(story.stepsRun).toBe(2);
    vi.advanceTimersByTime(3_000);
    expect(manager.store.getState()).toMatchObject({ status: "connected", lost: "restored", online: false });
    await story.done;
    expect(story.stepsRun).toBe(4);
  });

  it("cancel() and a stopped manager end it; bad steps are refused before anything runs", async () => {
    const manager = createMockPeerManager({ status: "connected" });
    const cancelled = scenario(manager, [{ after: 100, lose: true }]);
    cancelled.cancel();
    vi.advanceTimersByTime(1_000);
    await cancelled.done;
    expect(manager.store.getState().status).toBe("connected");

    const stopped = scenario(manager, [
      { after: 100, status: "degraded" },
      { after: 100, lose: true },
    ]);
    vi.advanceTimersByTime(100);
    manager.stop();
    vi.advanceTimersByTime(1_000);
    await stopped.done;
    expect(stopped.stepsRun).toBe(1);
    expect(manager.calls.stop).toBe(1);

    expect(() => scenario(manager, [{ after: -1, lose: true }])).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => scenario(manager, [{ after: 1, lose: true, restore: true } as never])).toThrow(/exactly one of/);
  });
});

describe("MockWakuPeersProvider state", () => {
  function Status() {
    const { status } = useConnectionStatus();
    const { overall } = usePeerHealth();
    return (
      <p>
        {status} {overall}
      </p>
    );
  }

  it("renders a fixed state, resets to a new one when the prop changes, and survives StrictMode", () => {
    const { rerender, unmount } = render(
      <StrictMode>
        <MockWakuPeersProvider state={{ status: "connected" }}>
          <Status />
        </MockWakuPeersProvider>
      </StrictMode>,
    );
    expect(screen.getByText("connected healthy")).toBeTruthy();
    rerender(
      <StrictMode>
        <MockWakuPeersProvider state={{ status: "offline", online: false }}>
          <Status />
        </MockWakuPeersProvider>
      </StrictMode>,
    );
    expect(screen.getByText("offline unhealthy")).toBeTruthy();
    unmount();
  });
});
