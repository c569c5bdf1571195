import { describe, expect, it } from "vitest";

import { createLifetime } from "../../../src/core/lifetime/lifetime.js";
import type { RoundOutcome } from "../../../src/core/internal.js";
import { addRoundTrip, pingRound, pingTimeout } from "../../../src/core/internal.js";
import { manualClock } from "../_harness.js";

const POLICY = { timeoutMs: 5_000, minTimeoutMs: 400, rttPercentile: 0.99, rttFactor: 3 };

describe("a peer's ping timeout (pure)", () => {
  it("is the ceiling until two round trips are known", () => {
    expect(pingTimeout([], POLICY)).toBe(5_000);
    expect(pingTimeout([10], POLICY)).toBe(5_000);
    expect(pingTimeout([10, 12], POLICY)).toBe(400);
    expect(pingTimeout([10], { ...POLICY, timeoutMs: 400 })).toBe(400); // offline, the ceiling is the floor: nothing measured
    expect(pingTimeout([3_000, 3_000], { ...POLICY, timeoutMs: 400 })).toBe(400); // …and slow answers measured
  });

  it("is the high percentile round trip times the factor, within the floor and the ceiling", () => {
    expect(pingTimeout([2, 3, 2, 4], POLICY)).toBe(400); // loopback: the floor
    expect(pingTimeout([310, 420, 350, 390], POLICY)).toBe(1_260); // 300 ms ± jitter: 3 × the slowest
    expect(pingTimeout([3_000, 2_500, 2_000], POLICY)).toBe(5_000); // never past the ceiling
    expect(pingTimeout([10, 10, 10], { ...POLICY, minTimeoutMs: 9_000 })).toBe(5_000); // the ceiling wins a crossing
    // A lower percentile ignores the odd outlier: 19 answers at 20 ms and one at 300 ms.
    const samples = [...Array.from({ length: 19 }, () => 20), 300];
    expect(pingTimeout(samples, { ...POLICY, rttPercentile: 0.9 })).toBe(400);
    expect(pingTimeout(samples, POLICY)).toBe(900);
  });

  it("keeps the newest 32 round trips and ignores nonsense", () => {
    const window: number[] = [];
    for (let i = 0; i < 40; i++) addRoundTrip(window, i);
    addRoundTrip(window, Number.NaN);
    addRoundTrip(window, -1);
    expect(window).toHaveLength(32);
    expect(window[0]).toBe(8);
  });
});

/** A ping per target that the test answers (or not) by hand. */
function scriptedPings() {
  const answers = new Map<string, { resolve(ms: number): void; reject(error: Error): void; signal: AbortSignal }>();
  return {
    answers,
    ping(target: string, signal: AbortSignal): Promise<number> {
      return new Promise((resolve, reject) => {
        answers.set(target, { resolve, reject, signal });
        signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
      });
    },
  };
}

const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function startRound(targets: Record<string, number>, judgeStalled = false, onMiss?: (target: string, timeoutMs: number) => void) {
  const time = manualClock();
  const lifetime = createLifetime();
  const pings = scriptedPings();
  let outcome: RoundOutcome<string> | undefined;
  void pingRound({
    clock: time.clock,
    lifetime,
    pings: Object.entries(targets).map(([target, timeoutMs]) => ({ target, timeoutMs })),
    ping: pings.ping,
    stallMs: 250,
    judgeStalled: () => judgeStalled,
    onMiss,
  }).then((result) => {
    outcome = result;
  });
  return { time, lifetime, pings, outcome: () => outcome };
}

const kinds = (outcome: RoundOutcome<string> | undefined) =>
  Object.fromEntries((outcome?.results ?? []).map(({ target, result }) => [target, result.kind]));

describe("a ping round", () => {
  it("ends when every ping settled: answers, fast failures, and misses after their own timeout", async () => {
    const round = startRound({ A: 400, B: 400, C: 1_000 });
    round.pings.answers.get("A")!.resolve(7);
    round.pings.answers
      .get("B")!
      .reject(Object.assign(new Error("too many streams"), { name: "TooManyOutboundProtocolStreamsError" }));
    for (let at = 0; at < 1_000; at += 100) {
      round.time.advance(100);
      await flush();
    }
    expect(round.outcome()).toBeUndefined(); // C's confirming look comes right after its due time
    round.time.advance(0);
    await flush();
    expect(kinds(round.outcome())).toEqual({ A: "answered", B: "failed", C: "missed" });
    expect(round.pings.answers.get("C")!.signal.aborted).toBe(true);
    expect(round.outcome()!.stalledMs).toBeUndefined();
    expect(round.time.pending()).toBe(0);
  });

  it("reads an answer that arrived while the judging timer waited before calling the peer silent", async () => {
    const round = startRound({ A: 400 });
    for (let at = 0; at < 400; at += 100) round.time.advance(100);
    await flush();
    // The timeout fired; the answer was already in (it is read before the verdict).
    round.pings.answers.get("A")!.resolve(398);
    await flush();
    round.time.advance(0);
    await flush();
    expect(kinds(round.outcome())).toEqual({ A: "answered" });
  });

  it("discards the round when a judging timer fired far past its due time: the app itself was stalled", async () => {
    const round = startRound({ A: 400, B: 400 });
    round.time.advance(6_000); // a 6 s long task: every timer of the round fires late at once
    await flush();
    expect(round.outcome()?.stalledMs).toBeGreaterThan(5_000);
    expect(round.outcome()?.discarded).toBe(true);
    expect(kinds(round.outcome())).toEqual({ A: "failed", B: "failed" });
    expect(round.pings.answers.get("A")!.signal.aborted).toBe(true);
  });

  it("also discards answers read while a judging timer was overdue (their round trips include the stall)", async () => {
    const round = startRound({ A: 5_000 });
    round.time.clock.now = (
      (now) => () =>
        now() + 3_000
    )(round.time.clock.now); // the loop was blocked 3 s…
    round.pings.answers.get("A")!.resolve(3_001); // …and the answer is read before any timer ran
    await flush();
    expect(round.outcome()?.stalledMs).toBeGreaterThan(2_000);
  });

  it("with judgeStalled, judges a late round all the same and still reports how late it was", async () => {
    const round = startRound({ A: 400, B: 400 }, true);
    round.pings.answers.get("A")!.resolve(7);
    round.time.advance(1_000); // every timer of the round fires 600 ms late
    await flush();
    expect(round.outcome()).toBeUndefined(); // B is not given up for the stall: it is judged, after one yield
    round.time.advance(0);
    await flush();
    expect(kinds(round.outcome())).toEqual({ A: "answered", B: "missed" });
    expect(round.outcome()?.stalledMs).toBeGreaterThan(500);
    expect(round.outcome()?.discarded).toBe(false);
  });

  it("tells of each miss the moment it is judged, before the round's slower pings settle, past a throwing listener", async () => {
    const told: string[] = [];
    const round = startRound({ A: 400, B: 3_000 }, false, (target, timeoutMs) => {
      told.push(`${target} ${timeoutMs}`);
      throw new Error("a listener's bug");
    });
    for (let at = 0; at < 500; at += 100) {
      round.time.advance(100);
      await flush();
    }
    expect(told).toEqual(["A 400"]);
    expect(round.outcome()).toBeUndefined(); // B still has 2.5 s
    round.pings.answers.get("B")!.resolve(600);
    await flush();
    expect(kinds(round.outcome())).toEqual({ A: "missed", B: "answered" });
    expect(told).toEqual(["A 400"]);
  });

  it("aborts every ping in flight when its owner ends (the manager stops)", async () => {
    const round = startRound({ A: 400 });
    round.lifetime.end();
    await flush();
    expect(round.pings.answers.get("A")!.signal.aborted).toBe(true);
    expect(round.time.pending()).toBe(0);
  });
});
