import { describe, expect, it } from "vitest";

// Any change of the public API shows up here in review.
describe("public API", () => {
  it("waku-peers exports exactly these names", async () => {
    expect(Object.keys(await import("../../../src/index.js")).sort()).toMatchInlineSnapshot(`
      [
        "WakuPeersError",
        "WakuPeersProvider",
        "isWakuPeersError",
        "useConnectionStatus",
        "useLostConnectionListener",
        "usePeerHealth",
        "usePeers",
        "useReconnect",
        "useWakuNode",
        "useWakuPeers",
      ]
    `);
  });

  it("waku-peers/core exports exactly these names", async () => {
    expect(Object.keys(await import("../../../src/core/index.js")).sort()).toMatchInlineSnapshot(`
      [
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
      ]
    `);
  });

  it("waku-peers/waku-react exports exactly these names", async () => {
    expect(Object.keys(await import("../../../src/provider/waku-react.js")).sort()).toMatchInlineSnapshot(`
      [
        "WakuReactPeersProvider",
      ]
    `);
  });
});
