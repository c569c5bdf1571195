import { describe, expect, it } from "vitest";

import { DEFAULT_OPTIONS } from "../../../src/core/index.js";
import type { BackoffPolicy } from "../../../src/core/internal.js";
import { backoffDelay } from "../../../src/core/internal.js";

const shipped: BackoffPolicy = DEFAULT_OPTIONS.recovery!.backoff;
const noJitter = { ...shipped, jitter: 0 };
const top = () => 0;

describe("backoffDelay", () => {
  it("climbs the fast tiers (immediate, 250 ms, 500 ms, then every second) during the first minute", () => {
    expect([0, 1, 2, 3, 4, 50].map((attempt) => backoffDelay(noJitter, attempt, 1_000, 0, top))).toEqual([
      0, 250, 500, 1_000, 1_000, 1_000,
    ]);
    expect(backoffDelay(noJitter, 60, 59_999, 0, top)).toBe(1_000);
  });

  it("slows toward 30 s once the outage is older than the fast phase", () => {
    expect([0, 1, 2, 3, 4, 5, 99].map((slow) => backoffDelay(noJitter, 70, 60_000, slow, top))).toEqual([
      2_000, 5_000, 10_000, 20_000, 30_000, 30_000, 30_000,
    ]);
  });

  it("jitter only ever shortens a delay, by at most the jitter fraction", () => {
    for (const draw of [0, 0.25, 0.5, 0.999999, 1, -1, Number.NaN]) {
      const delay = backoffDelay(shipped, 3, 10_000, 0, () => draw);
      expect(delay).toBeLessThanOrEqual(1_000);
      expect(delay).toBeGreaterThanOrEqual(700);
    }
    expect(backoffDelay(shipped, 3, 10_000, 0, () => 0.5)).toBe(850);
  });

  it("keeps a 15 s outage within a second of retrying whatever the jitter (the restart goal)", () => {
    let elapsed = 0;
    for (let attempt = 1; elapsed < 15_000; attempt++) {
      const delay = backoffDelay(shipped, attempt, elapsed, 0, Math.random);
      expect(delay).toBeLessThanOrEqual(1_000);
      elapsed += Math.max(delay, 1);
    }
  });

  it("treats an empty tier list as immediate", () => {
    expect(backoffDelay({ ...shipped, fastTiersMs: [] }, 3, 0, 0, top)).toBe(0);
  });
});
