import { describe, expect, it, vi } from "vitest";

import { connectReduxDevtools, type ReduxDevtoolsExtension } from "../../../src/devtools/index.js";
import { describeChanges } from "../../../src/devtools/describe-changes.js";
import { createMockPeerManager } from "../../../src/testing/index.js";

function fakeExtension() {
  const sent: { type: string }[] = [];
  const connection = {
    init: vi.fn(),
    send: vi.fn((action: { type: string }, _state: unknown) => void sent.push(action)),
    unsubscribe: vi.fn(),
    subscribe: vi.fn(),
  };
  const extension: ReduxDevtoolsExtension & { connect: ReturnType<typeof vi.fn> } = { connect: vi.fn(() => connection) };
  return { extension, connection, types: () => sent.map((action) => action.type) };
}

describe("connectReduxDevtools", () => {
  it("sends the initial state, then one named action per change with the state after it", () => {
    const manager = createMockPeerManager({ status: "connected" });
    const { extension, connection, types } = fakeExtension();
    const disconnect = connectReduxDevtools(manager, { name: "chat peers", extension });
    expect(extension.connect).toHaveBeenCalledWith({
      name: "chat peers",
      features: expect.objectContaining({ jump: false, dispatch: false, skip: false, import: false }),
    });
    expect(connection.init).toHaveBeenCalledWith(manager.store.getState());

    manager.lose();
    expect(types()).toEqual(
      expect.arrayContaining(["peer/disconnected", "health/changed", "recovery/attempt", "status/reconnecting", "lost/lost"]),
    );
    expect(connection.send.mock.calls.at(-1)?.[1]).toBe(manager.store.getState());
    manager.restore();
    expect(types()).toEqual(
      expect.arrayContaining(["status/connected", "peer/connected", "recovery/recovered", "lost/restored"]),
    );

    disconnect();
    const count = connection.send.mock.calls.length;
    manager.setStatus("degraded");
    expect(connection.send.mock.calls.length).toBe(count);
    expect(connection.unsubscribe).toHaveBeenCalled();
    // Read-only: it never listens to what the extension dispatches.
    expect(connection.subscribe).not.toHaveBeenCalled();
  });

  it("does nothing without the extension", () => {
    const manager = createMockPeerManager();
    expect(() => connectReduxDevtools(manager)()).not.toThrow();
  });
});

describe("describeChanges", () => {
  const base = createMockPeerManager({ status: "connected" }).store.getState();
  const peer = base.peers["mock-peer-1"]!;
  it.each([
    ["nothing", base, []],
    ["a status", { ...base, status: "degraded" as const }, [{ type: "status/degraded", from: "connected" }]],
    [
      "a new peer",
      { ...base, peers: { ...base.peers, X: { ...peer, id: "X" } } },
      [{ type: "peer/added", peerId: "X", connected: true, protocols: peer.protocols }],
    ],
    [
      "a removed peer",
      { ...base, peers: { "mock-peer-2": base.peers["mock-peer-2"]! } },
      [{ type: "peer/removed", peerId: "mock-peer-1" }],
    ],
    [
      "a score",
      { ...base, peers: { ...base.peers, "mock-peer-1": { ...peer, score: 80 } } },
      [{ type: "peer/score", peerId: "mock-peer-1", from: 100, to: 80, lastFailure: undefined }],
    ],
    [
      "a round trip",
      { ...base, peers: { ...base.peers, "mock-peer-1": { ...peer, rttMs: 30 } } },
      [{ type: "peer/updated", peerId: "mock-peer-1", rttMs: 30 }],
    ],
    [
      "a manual reconnect",
      { ...base, recovery: { ...base.recovery, manual: true, inProgress: true } },
      [{ type: "reconnect/started" }],
    ],
    [
      "its progress",
      { ...base, recovery: { ...base.recovery, progress: { dialed: 1, total: 3, succeeded: 0 } } },
      [{ type: "reconnect/progress", dialed: 1, total: 3, succeeded: 0 }],
    ],
    [
      "an error",
      { ...base, lastError: { code: "TIMEOUT" as const, message: "slow" } },
      [{ type: "error/TIMEOUT", message: "slow" }],
    ],
    ["offline", { ...base, online: false }, [{ type: "environment/offline" }]],
    [
      "only the log",
      { ...base, events: [...base.events, { at: 1, type: "hint" as const, detail: "visible" }] },
      [{ type: "events/logged", latest: { at: 1, type: "hint", detail: "visible" } }],
    ],
    ["anything else", { ...base, firstConnectedAt: 5 }, [{ type: "state/changed" }]],
  ])("names %s", (_, next, expected) => {
    expect(describeChanges(base, next)).toEqual(expected);
  });
});
