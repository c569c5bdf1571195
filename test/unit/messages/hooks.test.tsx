import { act, render, renderHook, waitFor } from "@testing-library/react";
import { StrictMode, type ReactNode } from "react";
import { describe, expect, it } from "vitest";

import { useMessageListener, useMessages, useOutbox, useSend, useSendStatus } from "../../../src/message-hooks/index.js";
import type { ReceivedMessage } from "../../../src/core/index.js";
import { connectedState, fakeManager, fakeNode } from "./_fakes.js";

const TOPIC = "/test/1/chat/proto";
const strict = ({ children }: { children: ReactNode }) => <StrictMode>{children}</StrictMode>;
const text = (message: ReceivedMessage) => new TextDecoder().decode(message.message.payload);

describe("waku-peers/messages hooks", () => {
  it("useMessages lists live and back-filled messages once each, in timestamp order, with their source", async () => {
    const node = fakeNode();
    const manager = fakeManager(connectedState());
    const { result, unmount } = renderHook(
      () => useMessages(TOPIC, { node, manager, storage: false, backfill: { settleMs: 0 } }),
      { wrapper: strict },
    );
    await waitFor(() => expect(result.current.sync.status).toBe("live"));
    const now = Date.now();
    await act(() => node.pushFilter("live one", now - 3_000));
    node.stored.push({ payload: new TextEncoder().encode("missed"), timestamp: now - 2_000 });
    await act(() => node.pushFilter("live two", now - 1_000));
    act(() => manager.set({ peers: { B: manager.store.getState().peers.B! } }));
    await waitFor(() => expect(result.current.messages.map(text)).toEqual(["live one", "missed", "live two"]));
    expect(result.current.messages.map((message) => message.source)).toEqual(["filter", "store", "filter"]);
    unmount();
    // StrictMode mounted twice: both watchers are gone after unmount.
    await waitFor(() => expect(node.subscribers).toBe(0));
  });

  it("useMessageListener calls the newest callback once per message without re-rendering", async () => {
    const node = fakeNode();
    const manager = fakeManager(connectedState());
    const seen: string[] = [];
    let renders = 0;
    const { rerender } = renderHook(
      ({ tag }: { tag: string }) => {
        renders++;
        useMessageListener(TOPIC, (message) => seen.push(`${tag}:${text(message)}`), { node, manager, storage: false });
      },
      { initialProps: { tag: "first" } },
    );
    await waitFor(() => expect(node.subscribers).toBe(1));
    rerender({ tag: "second" });
    const rendersBefore = renders;
    await act(() => node.pushFilter("hello", Date.now()));
    expect(seen).toEqual(["second:hello"]);
    expect(renders).toBe(rendersBefore);
  });

  it("useSend queues through the outbox; useSendStatus and useOutbox follow it to sent", async () => {
    const node = fakeNode();
    const manager = fakeManager({ ...connectedState(), online: false });
    const context = { node, manager };
    const { result } = renderHook(
      () => {
        const sender = useSend(TOPIC, { ...context, storage: "memory", locks: false, confirm: false });
        const outbox = useOutbox(undefined, context);
        return { sender, outbox };
      },
      { wrapper: strict },
    );
    await waitFor(() => expect(result.current.sender.canSend).toBe(false));
    let id = "";
    await act(async () => {
      ({ id } = await result.current.sender.send(new TextEncoder().encode("hi")));
    });
    const status = renderHook(() => useSendStatus(id, context));
    await waitFor(() => expect(status.result.current?.status).toBe("queued"));
    expect(result.current.outbox.pending).toBe(1);
    act(() => manager.set({ online: true }));
    await waitFor(() => expect(status.result.current?.status).toBe("sent"));
    expect(result.current.sender.canSend).toBe(true);
    expect(result.current.outbox.pending).toBe(0);
  });

  it("throws NO_PROVIDER outside a provider without { node, manager }", () => {
    expect(() => render(<Probe />)).toThrow(expect.objectContaining({ code: "NO_PROVIDER" }));
  });
});

function Probe() {
  useMessages(TOPIC);
  return null;
}
