import { describe, expect, it, vi } from "vitest";

import { closeFailedUpgrades } from "../../../src/core/sdk/close-failed-upgrades.js";

function fakeLibp2p(upgrade: (maConn: unknown) => Promise<unknown>) {
  const upgrader = { upgradeOutbound: vi.fn((maConn: unknown, _options: unknown) => upgrade(maConn)) };
  return { libp2p: { components: { upgrader } }, original: upgrader.upgradeOutbound, upgrader };
}
const rawConnection = () => ({ abort: vi.fn() });

describe("closeFailedUpgrades", () => {
  it("aborts the raw connection of an upgrade that fails, and rethrows", async () => {
    const denied = new Error("aborted before the upgrade");
    const { libp2p, upgrader, original } = fakeLibp2p(() => Promise.reject(denied));
    expect(closeFailedUpgrades(libp2p)).toBe(true);
    const maConn = rawConnection();
    await expect(upgrader.upgradeOutbound(maConn, { signal: AbortSignal.abort() })).rejects.toBe(denied);
    expect(original).toHaveBeenCalledWith(maConn, expect.anything());
    expect(maConn.abort).toHaveBeenCalledWith(denied);
  });

  it("leaves a successful upgrade alone, and wraps a node once however often it is called", async () => {
    const { libp2p, upgrader, original } = fakeLibp2p(async () => "connection");
    closeFailedUpgrades(libp2p);
    const wrapped = upgrader.upgradeOutbound;
    expect(closeFailedUpgrades(libp2p)).toBe(true);
    expect(upgrader.upgradeOutbound).toBe(wrapped);
    const maConn = rawConnection();
    await expect(upgrader.upgradeOutbound(maConn, {})).resolves.toBe("connection");
    expect(original).toHaveBeenCalledTimes(1);
    expect(maConn.abort).not.toHaveBeenCalled();
  });

  it("rethrows the upgrade's error when the connection cannot be aborted", async () => {
    const { libp2p, upgrader } = fakeLibp2p(() => Promise.reject(new Error("denied")));
    closeFailedUpgrades(libp2p);
    const throwing = {
      abort: () => {
        throw new Error("already closed");
      },
    };
    await expect(upgrader.upgradeOutbound(throwing, {})).rejects.toThrow("denied");
    await expect(upgrader.upgradeOutbound({}, {})).rejects.toThrow("denied");
  });

  it("is off for a node of another shape", () => {
    for (const libp2p of [undefined, {}, { components: {} }, { components: { upgrader: {} } }])
      expect(closeFailedUpgrades(libp2p)).toBe(false);
  });
});
