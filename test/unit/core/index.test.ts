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
        "createOutbox",
        "createPeerManager",
        "getConnectionStatus",
        "getPeerHealth",
        "getPeers",
        "indexedDbStorage",
        "isWakuPeersError",
        "manualEnvironment",
        "memoryStorage",
        "preloadPeerManager",
        "systemClock",
        "watchConnectionStatus",
        "watchLostConnection",
        "watchMessages",
        "watchPeerHealth",
        "watchPeers",
        "webStorage",
      ]
    `);
  });

  it("keeps the advanced building blocks behind waku-peers/core/internal", () => {
    expect(Object.keys(internal).sort()).toMatchInlineSnapshot(`
      [
        "CODEC_TO_PROTOCOL",
        "INITIAL_RECOVERY",
        "MANAGER_OPTION_KEYS",
        "MAX_STORE_WINDOW_MS",
        "NO_PEERS",
        "WAKU_CODECS",
        "addRoundTrip",
        "afterRedial",
        "backoffDelay",
        "canSendFrom",
        "computeHealth",
        "createInitialState",
        "deriveStatus",
        "isCanaryTopic",
        "isMeaningfulRttChange",
        "lossSignals",
        "mergeMessages",
        "missingProtocols",
        "orderDialCandidates",
        "parseOptions",
        "peersShort",
        "pingRound",
        "pingTimeout",
        "planBootstrapLimit",
        "protocolNamesFromCodecs",
        "rankStorePeers",
        "redundancyTarget",
        "resolveRequirements",
        "selectConnectionStatus",
        "selectPeerHealth",
        "selectPeers",
        "shuffle",
        "storeWindows",
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
