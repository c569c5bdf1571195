import { act, renderHook } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { useMessages, useSend, useSendStatus } from "../../../src/message-hooks/index.js";
import {
  createMockPeerManager,
  createMockWakuNode,
  MockWakuPeersProvider,
  type MockPeerManager,
  type MockWakuNode,
} from "../../../src/testing/index.js";

const TOPIC = "/test/1/chat/proto";
const text = (payload: Uint8Array) => new TextDecoder().decode(payload);

let manager: MockPeerManager;
let node: MockWakuNode;
beforeEach(() => {
  vi.useFakeTimers();
  manager = createMockPeerManager({ status: "connected" });
  node = createMockWakuNode(manager);
});
afterEach(() => {
  manager.stop();
  vi.useRealTimers();
});

function Wrapper({ children }: { children: ReactNode }) {
  return (
    <MockWakuPeersProvider manager={manager} node={node}>
      {children}
    </MockWakuPeersProvider>
  );
}

/** Fake time forward, with React applying what it caused. */
const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

function useSender() {
  const sender = useSend(TOPIC, { storage: "memory", locks: false, retry: { jitter: 0 } });
  return sender;
}

describe("the message mocks under MockWakuPeersProvider", () => {
  it("a send goes queued → sent → confirmed: light push stores it, the outbox's store lookup finds it", async () => {
    const { result } = renderHook(() => useSender(), { wrapper: Wrapper });
    await advance(0);
    expect(result.current.canSend).toBe(true);
    let id = "";
    await act(async () => {
      ({ id } = await result.current.send(new TextEncoder().encode("hi")));
    });
    const status = renderHook(() => useSendStatus(id), { wrapper: Wrapper });
    await advance(50);
    expect(status.result.current?.status).toBe("sent");
    await advance(1_500);
    expect(status.result.current?.status).toBe("confirmed");
    expect(node.sent.map((attempt) => [attempt.peerId, text(attempt.payload), attempt.ok])).toEqual([
      ["mock-peer-1", "hi", true],
    ]);
    expect(node.stored).toEqual([status.result.current?.hash]);
  });

  it("sendResult fails every attempt until set back to ok; each retry goes to another light push peer, same hash", async () => {
    node.sendResult = { error: "Remote peer rejected" };
    const { result } = renderHook(() => useSender(), { wrapper: Wrapper });
    await advance(0);
    let id = "";
    await act(async () => {
      ({ id } = await result.current.send(new TextEncoder().encode("retry me")));
    });
    const status = renderHook(() => useSendStatus(id), { wrapper: Wrapper });
    await advance(600);
    expect(status.result.current).toMatchObject({ status: "queued", lastError: "Remote peer rejected" });
    expect(status.result.current?.attempts).toBeGreaterThanOrEqual(2);
    node.sendResult = "ok";
    await advance(2_000);
    expect(status.result.current?.status).toMatch(/sent|confirmed/);
    expect(new Set(node.sent.map((attempt) => attempt.hash)).size).toBe(1);
    expect(node.sent.slice(0, 2).map((attempt) => attempt.peerId)).toEqual(["mock-peer-1", "mock-peer-2"]);
    expect(manager.calls.reportFailure.map((call) => call.peerId)).toContain("mock-peer-1");
  });

  it("deliver() reaches useMessages by filter; a store-only message arrives by back-fill after lose → restore", async () => {
    const { result } = renderHook(() => useMessages(TOPIC, { storage: false, backfill: { settleMs: 0 } }), { wrapper: Wrapper });
    await advance(0);
    expect(result.current.sync.status).toBe("live");
    await act(() => node.deliver(TOPIC, "live"));
    expect(result.current.messages.map((message) => [text(message.message.payload), message.source])).toEqual([
      ["live", "filter"],
    ]);

    act(() => manager.lose());
    await act(() => node.deliver(TOPIC, "missed while away", { via: "store", timestamp: manager.clock.now() + 1 }));
    act(() => manager.restore());
    await advance(500);
    expect(result.current.messages.map((message) => [text(message.message.payload), message.source])).toEqual([
      ["live", "filter"],
      ["missed while away", "store"],
    ]);
    expect(result.current.sync.status).toBe("live");
  });

  it("a failing store leaves a gap the hooks report", async () => {
    const { result } = renderHook(() => useMessages(TOPIC, { storage: false, backfill: { settleMs: 0 } }), { wrapper: Wrapper });
    await advance(0);
    node.storeFails = true;
    act(() => manager.lose());
    act(() => manager.restore());
    await advance(1_000);
    expect(result.current.sync.status).toBe("gap");
    expect(result.current.sync.unfilled[0]?.reason).toMatch(/500/);
  });
});
