import { describe, expect, it } from "vitest";

import { createPeerManager } from "../../../src/core/create-peer-manager.js";
import { DEFAULT_REQUIREMENTS } from "../../../src/core/constants.js";
import { WakuPeersError } from "../../../src/core/errors.js";
import { resolveOptions, resolveRequirements } from "../../../src/core/resolve-options.js";
import type { Requirements } from "../../../src/core/types.js";
import { createFakeNode } from "./_fake-node.js";

function thrownBy(run: () => unknown): WakuPeersError {
  try {
    run();
  } catch (error) {
    if (error instanceof WakuPeersError) return error;
    throw error;
  }
  throw new Error("expected a WakuPeersError, nothing was thrown");
}

describe("requirements", () => {
  it("default to 2 light push, 2 filter, 1 store and no peer exchange", () => {
    expect(resolveRequirements(undefined)).toEqual({ lightPush: 2, filter: 2, store: 1, peerExchange: 0 });
    expect(DEFAULT_REQUIREMENTS).toEqual({ lightPush: 2, filter: 2, store: 1, peerExchange: 0 });
  });

  it("merge the app's values over the defaults", () => {
    expect(resolveRequirements({ filter: 1, peerExchange: 1 })).toEqual({
      lightPush: 2,
      filter: 1,
      store: 1,
      peerExchange: 1,
    });
  });

  it("refuse a negative count with a typed error naming the protocol", () => {
    const error = thrownBy(() => resolveRequirements({ filter: -1 }));
    expect(error.code).toBe("INVALID_REQUIREMENTS");
    expect(error.message).toContain("filter must be a non-negative integer, got -1");
  });

  it("refuse fractions, NaN and strings", () => {
    for (const bad of [1.5, Number.NaN, "2", Infinity]) {
      expect(thrownBy(() => resolveRequirements({ store: bad as number })).code).toBe("INVALID_REQUIREMENTS");
    }
  });

  it("refuse an unknown protocol key, which is almost always a typo", () => {
    const error = thrownBy(() => resolveRequirements({ lightpush: 2 } as Partial<Requirements>));
    expect(error.message).toContain('unknown protocol "lightpush"');
  });

  it("report every problem at once", () => {
    const error = thrownBy(() => resolveRequirements({ filter: -1, store: 0.5, relay: 1 } as Partial<Requirements>));
    expect(error.issues).toHaveLength(3);
  });

  it("refuse a non-object", () => {
    expect(thrownBy(() => resolveRequirements(3 as unknown as Requirements)).code).toBe("INVALID_REQUIREMENTS");
  });
});

describe("manager options", () => {
  it("refuse bad numbers with INVALID_OPTIONS", () => {
    const error = thrownBy(() => resolveOptions({ maxEvents: -1, reconnectTimeoutMs: Number.NaN, dialConcurrency: 0 }));
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.issues).toHaveLength(3);
  });

  it("are checked by createPeerManager before it touches the node", () => {
    const fake = createFakeNode();
    const error = thrownBy(() => createPeerManager(fake.node, { requirements: { filter: -2 } }));
    expect(error).toBeInstanceOf(WakuPeersError);
    expect(error.code).toBe("INVALID_REQUIREMENTS");
    expect(fake.listenerCount()).toBe(0);
  });

  it("refuse something that is not a Waku node", () => {
    expect(thrownBy(() => createPeerManager({} as never)).code).toBe("INVALID_NODE");
    expect(thrownBy(() => createPeerManager(undefined as never)).code).toBe("INVALID_NODE");
  });
});
