// @vitest-environment node
import { describe, expect, it } from "vitest";

import * as core from "../../../src/core/index.js";
import * as internal from "../../../src/core/internal.js";
import { createFakeNode } from "../_harness.js";

describe("waku-peers/core", () => {
  it("exports exactly this runtime API (a change here is a public API change)", () => {
    expect(Object.keys(core).sort()).toMatchInlineSnapshot(`
      [
        "DEFAULT_OPTIONS",
        "DEFAULT_REQUIREMENTS",
        "PROTOCOL_NAMES",
        "WakuPeersError",
        "browserEnvironment",
        "createPeerManager",
        "getConnectionStatus",
        "getPeerHealth",
        "getPeers",
        "isWakuPeersError",
        "manualEnvironment",
        "preloadPeerManager",
        "systemClock",
        "watchConnectionStatus",
        "watchLostConnection",
        "watchPeerHealth",
        "watchPeers",
      ]
    `);
  });

  it("keeps the advanced building blocks behind waku-peers/core/internal", () => {
    expect(Object.keys(internal).sort()).toMatchInlineSnapshot(`
      [
        "CODEC_TO_PROTOCOL",
        "INITIAL_RECOVERY",
        "MANAGER_OPTION_KEYS",
        "NO_PEERS",
        "WAKU_CODECS",
        "backoffDelay",
        "computeHealth",
        "createInitialState",
        "deriveStatus",
        "isCanaryTopic",
        "isMeaningfulRttChange",
        "orderDialCandidates",
        "parseOptions",
        "planBootstrapLimit",
        "protocolNamesFromCodecs",
        "resolveRequirements",
        "selectConnectionStatus",
        "selectPeerHealth",
        "selectPeers",
        "shuffle",
        "transition",
      ]
    `);
  });

  it("loads and runs without a window, as on a server", async () => {
    expect(typeof window).toBe("undefined");
    const fake = createFakeNode();
    fake.connectPeer("A", { protocols: ["lightPush", "filter", "store"] });
    const manager = core.createPeerManager(fake.node);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(manager.store.getState().peers.A?.protocols).toEqual(["lightPush", "filter", "store"]);
    manager.stop();
  });
});
