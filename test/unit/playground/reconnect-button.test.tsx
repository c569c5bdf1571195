// The playground's Reconnect result belongs to the outage it ended (issue 13 item 6): it stays
// through that outage's status changes and is cleared as soon as the next outage starts.
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, expect, it, vi } from "vitest";

import { ReconnectButton } from "../../../playground/src/components/reconnect-button.js";
import { createMockPeerManager, MockWakuPeersProvider, type MockPeerManager } from "../../../src/testing/index.js";

let manager: MockPeerManager;
beforeEach(() => {
  vi.useFakeTimers();
  manager = createMockPeerManager({ status: "connected" });
});
afterEach(() => {
  cleanup();
  manager.stop();
  vi.useRealTimers();
});

const result = () => screen.queryByTestId("reconnect-result");

async function reconnectThroughOutage(script: Parameters<MockPeerManager["setReconnect"]>[0]) {
  act(() => manager.lose());
  manager.setReconnect(script);
  fireEvent.click(screen.getByTestId("reconnect"));
  await act(() => vi.advanceTimersByTimeAsync(1_000));
}

it("shows the result of the click that ended an outage, and clears it when the next outage starts", async () => {
  render(
    <MockWakuPeersProvider manager={manager}>
      <ReconnectButton />
    </MockWakuPeersProvider>,
  );
  expect(result()).toBeNull();
  await reconnectThroughOutage({ ok: true, delayMs: 1_000 });
  expect(manager.store.getState().status).toBe("connected");
  expect(result()?.getAttribute("data-ok")).toBe("true");
  expect(result()?.textContent).toBe("recovered in 1000 ms");

  act(() => manager.setStatus("degraded"));
  expect(result()).toBeNull();
  act(() => manager.setStatus("connected"));
  expect(result()).toBeNull();
});

it("a failed reconnect's result stays through the outage it belongs to", async () => {
  render(
    <MockWakuPeersProvider manager={manager}>
      <ReconnectButton />
    </MockWakuPeersProvider>,
  );
  await reconnectThroughOutage({ ok: false, delayMs: 1_000, error: { code: "TIMEOUT", message: "requirements not met" } });
  expect(result()?.textContent).toBe("not recovered (TIMEOUT) in 1000 ms");
  act(() => manager.setStatus("offline"));
  act(() => manager.setStatus("reconnecting"));
  expect(result()?.getAttribute("data-ok")).toBe("false");
  act(() => manager.restore());
  act(() => manager.lose());
  expect(result()).toBeNull();
});
