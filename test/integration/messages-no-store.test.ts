// A gap nobody can fill is reported, never silent: a fleet without any store node, the receiver's
// filter peers killed for a few seconds — `sync` must end in `gap` naming the range and the reason.
import { afterAll, describe, expect, it } from "vitest";

import { memoryStorage } from "../../src/core/index.js";
import { createDevice, Inbox, log, startClient, waitForSync, watch } from "./_messages-helpers.js";
import { contentTopic, fleetOf, nodesWithSubscriptions, poll, Resources, sleep, waitForState } from "./_recovery-helpers.js";

const NO_STORE = ["metadata", "lightPush", "filter", "peerExchange", "relay"] as const;
const resources = new Resources();

afterAll(async () => {
  await resources.closeAll();
}, 60_000);

describe("no store peer", () => {
  it("a gap after the filter peers were killed shows up as sync 'gap' with reason 'no store peer'", async () => {
    const protocols = { protocols: [...NO_STORE] };
    const fleet = await fleetOf(resources, {
      nodes: 3,
      bootstrap: 1,
      readyTimeoutMs: 90_000,
      overrides: { 0: protocols, 1: protocols, 2: protocols },
    });
    const receiver = await startClient(resources, fleet, createDevice(), {}, { requirements: { store: 0 } });
    const topic = contentTopic("no-store");
    const watcher = watch(receiver, topic, new Inbox(), memoryStorage());
    resources.add("watcher", watcher, (value) => value.stop());
    await watcher.ready;
    await waitForState(receiver.manager, (state) => state.status === "connected", 45_000, "receiver connected");
    await waitForSync(watcher, "live", 20_000);

    const victims = await poll(
      async () => {
        const indexes = await nodesWithSubscriptions(fleet);
        return indexes.length > 0 ? indexes : undefined;
      },
      15_000,
      "nodes holding the subscription",
    );
    const killedAt = Date.now();
    await Promise.all(victims.map((index) => fleet.kill(index)));
    await sleep(3_000);
    await Promise.all(victims.map((index) => fleet.restart(index)));

    const waited = await waitForSync(watcher, "gap", 60_000);
    const { unfilled } = watcher.getSync();
    log(`no store peer: gap reported ${Math.round(waited)} ms after the restart: ${JSON.stringify(unfilled)}`);
    expect(unfilled).toHaveLength(1);
    expect(unfilled[0]).toMatchObject({ reason: "no store peer" });
    expect(unfilled[0]!.from).toBeLessThanOrEqual(killedAt);
    expect(unfilled[0]!.to).toBeGreaterThan(killedAt + 3_000);
  }, 120_000);
});
