import { act, fireEvent, render } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { ReconnectResult, UseReconnectReturnType } from "../../../src/index.js";
import { useReconnect, WakuPeersProvider } from "../../../src/index.js";
import { createAttachedNode, nodeFactory } from "./_fake-sdk.js";
import { flush } from "./_render.js";

vi.mock("@waku/sdk", async () => (await import("./_fake-sdk.js")).fakeSdk);

const FULL = ["lightPush", "filter", "store"] as const;

describe("useReconnect", () => {
  let seen: UseReconnectReturnType[] = [];
  let results: ReconnectResult[] = [];

  function ReconnectButton() {
    const state = useReconnect();
    seen.push(state);
    const { reconnect, isReconnecting, progress, lastResult, error } = state;
    return (
      <button type="button" onClick={() => void reconnect({ timeoutMs: 1_000 }).then((result) => results.push(result))}>
        {isReconnecting ? `dialing ${progress?.dialed}/${progress?.total}` : "reconnect"}
        {lastResult ? ` last:${lastResult.ok ? "ok" : "failed"}` : ""}
        {error ? ` error:${error.code} ${error.message}` : ""}
      </button>
    );
  }

  beforeEach(() => {
    seen = [];
    results = [];
    nodeFactory.reset();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(() => vi.useRealTimers());

  it("re-dials known peers, shows progress while it runs, and returns the result", async () => {
    const app = createAttachedNode();
    for (const id of ["A", "B"]) {
      app.fake.knowPeer(id, { protocols: [...FULL] });
      app.fake.scriptDial(id, "ok", { delayMs: 100 });
    }
    const view = render(
      <WakuPeersProvider node={app.node} requirements={{ lightPush: 2, filter: 2, store: 1 }}>
        <ReconnectButton />
      </WakuPeersProvider>,
    );
    await flush();
    const button = view.getByRole("button");
    expect(button.textContent).toBe("reconnect");

    fireEvent.click(button);
    await flush();
    expect(button.textContent).toBe("dialing 2/2");
    expect(seen.at(-1)?.isReconnecting).toBe(true);
    expect(seen.at(-1)?.progress).toEqual({ dialed: 2, total: 2, succeeded: 0 });

    await act(async () => {
      await vi.advanceTimersByTimeAsync(100);
    });
    await flush();
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ ok: true, status: "connected", dialed: 2 });
    // Candidates are shuffled (so clients spread over service nodes): compare as a set.
    expect([...app.fake.dials].sort()).toEqual(["A", "B"]);
    expect(button.textContent).toBe("reconnect last:ok");
    expect(seen.at(-1)?.lastResult).toBe(results[0]);
    expect(seen.at(-1)?.error).toBeUndefined();

    // One function for the component's whole life: safe in effect dependencies.
    expect(new Set(seen.map((state) => state.reconnect)).size).toBe(1);
    view.unmount();
  });

  it("reports a reconnect that cannot meet the requirements as a failed result, not a rejection", async () => {
    const app = createAttachedNode();
    app.fake.knowPeer("A", { protocols: [...FULL] });
    app.fake.scriptDial("A", "fail");
    const view = render(
      <WakuPeersProvider node={app.node}>
        <ReconnectButton />
      </WakuPeersProvider>,
    );
    await flush();

    fireEvent.click(view.getByRole("button"));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1_000);
    });
    await flush();
    expect(results).toEqual([
      expect.objectContaining({ ok: false, error: { code: "TIMEOUT", message: "requirements not met within 1000 ms" } }),
    ]);
    expect(view.getByRole("button").textContent).toBe("reconnect last:failed error:TIMEOUT requirements not met within 1000 ms");
    view.unmount();
  });

  it("resolves with a failed result while the node is still being created", async () => {
    let finishCreation!: () => void;
    nodeFactory.next({ until: new Promise<void>((resolve) => (finishCreation = resolve)) });
    const view = render(
      <WakuPeersProvider options={{}}>
        <ReconnectButton />
      </WakuPeersProvider>,
    );
    await flush();

    fireEvent.click(view.getByRole("button"));
    await flush();
    expect(results).toEqual([
      expect.objectContaining({
        ok: false,
        status: "connecting",
        dialed: 0,
        error: { code: "NO_NODE", message: "No Waku node is attached yet" },
      }),
    ]);
    finishCreation();
    view.unmount();
    await flush();
  });
});
