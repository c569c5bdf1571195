import { describe, expect, it, vi } from "vitest";

import type { EnvironmentEvent } from "../../../src/core/index.js";
import { browserEnvironment, manualEnvironment } from "../../../src/core/index.js";
import { createFakeNode, FULL, managerHarness, settle } from "../_harness.js";

const harness = managerHarness({ fakeTimers: false });

/** A stand-in for window/document/navigator that counts its listeners. */
function fakeGlobals(onLine = true) {
  const make = () => {
    const target = new EventTarget();
    let listeners = 0;
    return {
      target,
      addEventListener(type: string, listener: () => void) {
        listeners++;
        target.addEventListener(type, listener);
      },
      removeEventListener(type: string, listener: () => void) {
        listeners--;
        target.removeEventListener(type, listener);
      },
      get listeners() {
        return listeners;
      },
    };
  };
  const window = make();
  const document = Object.assign(make(), { visibilityState: "visible" });
  return { window, document, navigator: { onLine } };
}

describe("browserEnvironment", () => {
  it("listens to window and document only while subscribed, and maps every page signal to a hint", () => {
    const globals = fakeGlobals();
    const environment = browserEnvironment(globals);
    expect(globals.window.listeners + globals.document.listeners).toBe(0);

    const seen: EnvironmentEvent["type"][] = [];
    const unsubscribe = environment.subscribe((event) => seen.push(event.type));
    const second = environment.subscribe(() => {});
    expect(globals.window.listeners).toBe(3);
    expect(globals.document.listeners).toBe(3);

    for (const type of ["offline", "online", "pageshow"]) globals.window.target.dispatchEvent(new Event(type));
    globals.document.visibilityState = "hidden";
    globals.document.target.dispatchEvent(new Event("visibilitychange"));
    globals.document.visibilityState = "visible";
    globals.document.target.dispatchEvent(new Event("visibilitychange"));
    for (const type of ["freeze", "resume"]) globals.document.target.dispatchEvent(new Event(type));
    expect(seen).toEqual(["offline", "online", "pageshow", "hidden", "visible", "freeze", "resume"]);

    unsubscribe();
    expect(globals.window.listeners).toBe(3);
    second();
    expect(globals.window.listeners + globals.document.listeners).toBe(0);
    unsubscribe(); // twice is harmless
    expect(globals.window.listeners).toBe(0);
  });

  it("reads navigator.onLine, and says online where there is no navigator", () => {
    expect(browserEnvironment(fakeGlobals(false)).isOnline()).toBe(false);
    expect(browserEnvironment(fakeGlobals(true)).isOnline()).toBe(true);
    expect(browserEnvironment({}).isOnline()).toBe(true);
  });

  it("touches nothing without a window (server rendering, Node)", () => {
    const environment = browserEnvironment({});
    const unsubscribe = environment.subscribe(() => {});
    unsubscribe();
    expect(environment.isOnline()).toBe(true);
  });
});

describe("manualEnvironment", () => {
  it("emits online/offline only on a change, and any hint on demand", () => {
    const environment = manualEnvironment();
    const seen: string[] = [];
    const unsubscribe = environment.subscribe((event) => seen.push(event.type));
    environment.setOnline(true);
    environment.setOnline(false);
    environment.setOnline(false);
    expect(environment.isOnline()).toBe(false);
    environment.emit("visible");
    environment.emit("online");
    expect(environment.isOnline()).toBe(true);
    expect(seen).toEqual(["offline", "visible", "online"]);
    expect(environment.listenerCount()).toBe(1);
    unsubscribe();
    expect(environment.listenerCount()).toBe(0);
  });
});

describe("hints in the peer manager", () => {
  it("are logged, set `online`, and are only hints: an offline device keeps its working peers", async () => {
    const environment = manualEnvironment();
    const fake = createFakeNode();
    fake.connectPeer("A", { protocols: [...FULL] });
    fake.connectPeer("B", { protocols: [...FULL] });
    const manager = await harness.start(fake, { environment });
    environment.setOnline(false);
    await settle();
    let state = manager.store.getState();
    expect(state.online).toBe(false);
    expect(state.status).toBe("connected");
    expect(state.events.at(-1)).toMatchObject({ type: "hint", detail: "offline" });

    environment.emit("visible");
    await settle();
    state = manager.store.getState();
    expect(state.online).toBe(false);
    expect(state.events.at(-1)).toMatchObject({ type: "hint", detail: "visible" });

    fake.disconnectPeer("A");
    fake.disconnectPeer("B");
    await settle();
    expect(manager.store.getState().status).toBe("offline");
    manager.stop();
    expect(environment.listenerCount()).toBe(0);
  });

  it("a default browser environment is created per manager and released by stop()", async () => {
    const fake = createFakeNode();
    const add = vi.spyOn(window, "addEventListener");
    const remove = vi.spyOn(window, "removeEventListener");
    const manager = harness.create(fake);
    const added = add.mock.calls.map(([type]) => type);
    expect(added).toEqual(expect.arrayContaining(["online", "offline", "pageshow"]));
    manager.stop();
    expect(remove.mock.calls.map(([type]) => type)).toEqual(expect.arrayContaining(["online", "offline", "pageshow"]));
    add.mockRestore();
    remove.mockRestore();
  });
});
