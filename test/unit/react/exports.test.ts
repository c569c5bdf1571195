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
        "DEFAULT_LOST_CONNECTION_GRACE_MS",
        "DEFAULT_MAX_EVENTS",
        "DEFAULT_RECONNECT_TIMEOUT_MS",
        "DEFAULT_REQUIREMENTS",
        "NO_PEERS",
        "PROTOCOL_NAMES",
        "WAKU_CODECS",
        "WakuPeersError",
        "computeHealth",
        "createInitialState",
        "createPeerManager",
        "deriveStatus",
        "isWakuPeersError",
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
