import { describe, expect, it } from "vitest";

import type { StatusInput } from "../../../src/core/internal.js";
import { deriveStatus } from "../../../src/core/internal.js";

const running: StatusInput = { started: true, stopped: false, health: "unhealthy", everConnected: false, online: true };
const status = (facts: Partial<StatusInput>) => deriveStatus({ ...running, ...facts });

describe("status machine", () => {
  it("is idle before it starts", () => {
    expect(status({ started: false })).toBe("idle");
  });

  it("is connecting while it has never met the requirements and has no service peer", () => {
    expect(status({})).toBe("connecting");
  });

  it("is connected once every requirement is met", () => {
    expect(status({ health: "healthy" })).toBe("connected");
    expect(status({ health: "healthy", everConnected: true })).toBe("connected");
  });

  it("is degraded with some service peers below the requirements, before or after a connection", () => {
    expect(status({ health: "degraded" })).toBe("degraded");
    expect(status({ health: "degraded", everConnected: true })).toBe("degraded");
  });

  it("is reconnecting, not connecting, when it lost every service peer after having been connected", () => {
    expect(status({ everConnected: true })).toBe("reconnecting");
  });

  it("is offline when the device says offline and no service peer is left", () => {
    expect(status({ online: false })).toBe("offline");
    expect(status({ online: false, everConnected: true })).toBe("offline");
  });

  it("trusts live peers over the device's offline hint", () => {
    expect(status({ online: false, health: "healthy" })).toBe("connected");
    expect(status({ online: false, health: "degraded" })).toBe("degraded");
  });

  it("is disconnected once stopped, whatever the peers", () => {
    expect(status({ stopped: true, health: "healthy" })).toBe("disconnected");
  });
});
