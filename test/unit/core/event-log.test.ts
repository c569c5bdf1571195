import { describe, expect, it } from "vitest";

import { EventLog } from "../../../src/core/state/event-log.js";

const event = (at: number) => ({ at, type: "status" as const });

describe("recent events", () => {
  it("keep the newest events last and drop the oldest past capacity", () => {
    const log = new EventLog(3);
    for (let at = 1; at <= 5; at++) log.push(event(at));
    expect(log.snapshot().map((e) => e.at)).toEqual([3, 4, 5]);
  });

  it("keep their identity until something new is pushed", () => {
    const log = new EventLog(3);
    log.push(event(1));
    const first = log.snapshot();
    expect(log.snapshot()).toBe(first);
    log.push(event(2));
    expect(log.snapshot()).not.toBe(first);
  });

  it("keep nothing with a capacity of 0", () => {
    const log = new EventLog(0);
    log.push(event(1));
    expect(log.snapshot()).toEqual([]);
  });
});
