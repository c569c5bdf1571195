import { describe, expect, it } from "vitest";

// Any change of the public API shows up here in review (the core entry is checked in
// test/unit/core/index.test.ts).
// Each test is a cold load of an entry and all it imports (the SDK and libp2p, transformed by
// Vite): seconds on a loaded machine, so the ceiling is far above vitest's 5 s default. Nothing
// here measures time.
const COLD_IMPORT_TIMEOUT_MS = 60_000;

describe("public API", { timeout: COLD_IMPORT_TIMEOUT_MS }, () => {
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

  it("waku-peers/waku-react exports exactly these names", async () => {
    expect(Object.keys(await import("../../../src/provider/waku-react.js")).sort()).toMatchInlineSnapshot(`
      [
        "WakuReactPeersProvider",
      ]
    `);
  });

  it("waku-peers/messages exports exactly these names", async () => {
    expect(Object.keys(await import("../../../src/message-hooks/index.js")).sort()).toMatchInlineSnapshot(`
      [
        "useMessageListener",
        "useMessages",
        "useOutbox",
        "useSend",
        "useSendStatus",
      ]
    `);
  });

  it("waku-peers/devtools exports exactly these names", async () => {
    expect(Object.keys(await import("../../../src/devtools/index.js")).sort()).toMatchInlineSnapshot(`
      [
        "WakuPeersDevtools",
        "WakuPeersDevtoolsPanel",
        "connectReduxDevtools",
        "useReduxDevtools",
      ]
    `);
  });

  it("waku-peers/devtools/production exports exactly these names", async () => {
    expect(Object.keys(await import("../../../src/devtools/production.js")).sort()).toMatchInlineSnapshot(`
      [
        "WakuPeersDevtools",
        "WakuPeersDevtoolsPanel",
      ]
    `);
  });

  it("waku-peers/testing exports exactly these names", async () => {
    expect(Object.keys(await import("../../../src/testing/index.js")).sort()).toMatchInlineSnapshot(`
      [
        "MockWakuPeersProvider",
        "createMockPeerManager",
        "createMockWakuNode",
        "scenario",
      ]
    `);
  });
});
