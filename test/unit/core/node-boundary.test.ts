import type { LightNode } from "@waku/sdk";
import { describe, expect, it } from "vitest";

import type { WakuNodeLike } from "../../../src/core/index.js";
import { createFakeNode } from "../_harness.js";

describe("the node boundary", () => {
  it("is satisfied by a real @waku/sdk LightNode and by the test fake", () => {
    // Compile-time proof: if the boundary asks for something a LightNode lacks, tsc fails here.
    const acceptsLightNode = (lightNode: unknown): WakuNodeLike => lightNode as LightNode;
    const fake: WakuNodeLike = createFakeNode().node;
    expect(typeof acceptsLightNode).toBe("function");
    expect(typeof fake.libp2p.getConnections).toBe("function");
  });
});
