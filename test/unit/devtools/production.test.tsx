import { render } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { devtoolsRoot } from "./_shadow.js";

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

/** The entries as a production build evaluates them: NODE_ENV read when the module loads. */
async function loadAs(nodeEnv: string) {
  vi.stubEnv("NODE_ENV", nodeEnv);
  vi.resetModules();
  return {
    devtools: await import("../../../src/devtools/index.js"),
    production: await import("../../../src/devtools/production.js"),
    testing: await import("../../../src/testing/index.js"),
  };
}

describe("waku-peers/devtools in production", () => {
  it("renders nothing with NODE_ENV=production: the components render null, no loader, no shadow root", async () => {
    const { devtools, testing } = await loadAs("production");
    const { container } = render(
      <testing.MockWakuPeersProvider state={{ status: "connected" }}>
        <devtools.WakuPeersDevtools initialIsOpen />
        <devtools.WakuPeersDevtoolsPanel />
      </testing.MockWakuPeersProvider>,
    );
    expect(container.innerHTML).toBe("");
    // Not a lazy loader waiting for its chunk: the components are the ones that render null.
    expect(devtools.WakuPeersDevtools({})).toBeNull();
    expect(devtools.WakuPeersDevtoolsPanel({})).toBeNull();
    const development = await loadAs("development");
    expect(development.devtools.WakuPeersDevtools({})).not.toBeNull();
  });

  it("waku-peers/devtools/production renders in production all the same", async () => {
    const { production, testing } = await loadAs("production");
    const { container } = render(
      <testing.MockWakuPeersProvider state={{ status: "connected" }}>
        <production.WakuPeersDevtoolsPanel />
      </testing.MockWakuPeersProvider>,
    );
    const root = await devtoolsRoot(container);
    expect(root.querySelector("[data-testid=devtools-status]")?.getAttribute("data-status")).toBe("connected");
  });

  it("connectReduxDevtools does nothing in production, even with the extension there", async () => {
    const { devtools, testing } = await loadAs("production");
    const extension = { connect: vi.fn() };
    const disconnect = devtools.connectReduxDevtools(testing.createMockPeerManager(), { extension });
    expect(extension.connect).not.toHaveBeenCalled();
    disconnect();
  });
});
