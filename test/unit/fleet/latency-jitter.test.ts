// The fleet's latency fault with jitter: each reply waits latencyMs ± a uniform draw within
// jitterMs, never below 0, and bad values are refused like every other fault field.
import { describe, expect, it } from "vitest";

import { parseFault } from "waku-peers-fleet";
import { FaultState } from "../../../fleet/node/faults.js";

async function timed(state: FaultState): Promise<number> {
  const started = performance.now();
  await state.delayReply();
  return performance.now() - started;
}

describe("latencyMs with jitterMs", () => {
  it("draws each delay within latency ± jitter, clamped at 0", async () => {
    const lowest = new FaultState({ latencyMs: 30, jitterMs: 40 }, () => 0); // 30 − 40 → 0: no wait
    const highest = new FaultState({ latencyMs: 30, jitterMs: 40 }, () => 1); // 30 + 40
    try {
      expect(await timed(lowest)).toBeLessThan(30);
      // A lower bound only: a loaded machine can make a timer later, never earlier.
      expect(await timed(highest)).toBeGreaterThanOrEqual(68);
    } finally {
      lowest.stop();
      highest.stop();
    }
  });

  it("jitter alone, without latency, delays too; none of either is no wait", async () => {
    const jitterOnly = new FaultState({ jitterMs: 40 }, () => 1);
    const none = new FaultState({}, () => 1);
    try {
      expect(await timed(jitterOnly)).toBeGreaterThanOrEqual(38);
      expect(await timed(none)).toBeLessThan(30);
    } finally {
      jitterOnly.stop();
      none.stop();
    }
  });

  it("is validated like latencyMs", () => {
    expect(parseFault({ latencyMs: 300, jitterMs: 150 })).toEqual({ latencyMs: 300, jitterMs: 150 });
    expect(parseFault({ jitterMs: -1 })).toBe("jitterMs must be an integer in 0..60000");
    expect(parseFault({ jitterMs: 1.5 })).toBe("jitterMs must be an integer in 0..60000");
  });
});
