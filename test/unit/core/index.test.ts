// @vitest-environment node
import { describe, expect, it } from "vitest";

import * as core from "../../../src/core/index.js";
import { createFakeNode } from "./_fake-node.js";

describe("waku-peers/core", () => {
  it("exports exactly this runtime API (a change here is a public API change)", () => {
    expect(Object.keys(core).sort()).toEqual([
      "CODEC_TO_PROTOCOL",
      "DEFAULT_BACKOFF_FAST_PHASE_MS",
      "DEFAULT_BACKOFF_FAST_TIERS_MS",
      "DEFAULT_BACKOFF_JITTER",
      "DEFAULT_BACKOFF_SLOW_TIERS_MS",
      "DEFAULT_CANARY_INTERVAL_MS",
      "DEFAULT_CANARY_TIMEOUT_MS",
      "DEFAULT_LIVENESS_INTERVAL_MS",
      "DEFAULT_LIVENESS_TIMEOUT_MS",
      "DEFAULT_LOST_CONNECTION_GRACE_MS",
      "DEFAULT_MAX_BOOTSTRAP_SERVICE_PEERS",
      "DEFAULT_MAX_DIALS_PER_TICK",
      "DEFAULT_MAX_EVENTS",
      "DEFAULT_PEER_CACHE_KEY",
      "DEFAULT_QUARANTINE_MS",
      "DEFAULT_RECONNECT_TIMEOUT_MS",
      "DEFAULT_REPLACE_BELOW_SCORE",
      "DEFAULT_REQUIREMENTS",
      "NO_PEERS",
      "PROTOCOL_NAMES",
      "WAKU_CODECS",
      "WakuPeersError",
      "browserEnvironment",
      "computeHealth",
      "createInitialState",
      "createPeerManager",
      "deriveStatus",
      "isWakuPeersError",
      "manualEnvironment",
      "protocolNamesFromCodecs",
      "resolveRequirements",
      "staticOnlineEnvironment",
      "systemClock",
      // The message layer (issue 9).
      ...["MAX_STORE_WINDOW_MS", "canSendFrom", "createOutbox", "indexedDbStorage", "lossSignals", "memoryStorage"],
      ...["mergeMessages", "rankStorePeers", "storeWindows", "watchMessages", "webStorage"],
    ].sort());
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
