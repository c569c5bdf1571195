// Detection and recovery with the shipped defaults, against a real fleet (js-waku issue 914).
// Figures printed with [recovery] are measured here, on loopback, on a shared 2-core machine.
import { describe, expect, it } from "vitest";

import {
  attach,
  contentTopic,
  expectDelivered,
  filterLiveAgain,
  fleetOf,
  lightNodeFor,
  log,
  nodesWithSubscriptions,
  poll,
  sleep,
  subscribe,
  waitForState,
  servesAll,
  trackResources,
} from "./_recovery-helpers.js";

const resources = trackResources();

describe("detection and recovery (shipped defaults)", () => {
  it("a frozen (SIGSTOP) service node leaves the counts within 5 s and a spare takes its place", async () => {
    const fleet = await fleetOf(resources, { nodes: 4, bootstrap: 1 });
    const node = await lightNodeFor(resources, fleet);
    const { manager } = attach(resources, node, fleet);
    await waitForState(
      manager,
      (state) => Object.values(state.peers).filter((peer) => peer.connected && servesAll(peer.protocols)).length === 4,
      45_000,
      "all four fleet nodes connected and identified",
    );
    const topic = contentTopic("frozen");
    const inbox = await subscribe(node, topic);
    await expectDelivered(node, inbox, topic, "before the freeze");

    const subscribed = await poll(
      async () => {
        const indexes = await nodesWithSubscriptions(fleet);
        return indexes.length >= 2 ? indexes : undefined;
      },
      10_000,
      "two fleet nodes holding the filter subscription",
    );
    // Freeze a node that serves the app's subscription, so a spare has to take its place.
    const victim = subscribed.find((index) => fleet.nodes[index]!.role !== "bootstrap") ?? subscribed[0]!;
    const victimId = fleet.nodes[victim]!.peerId;
    const spares = fleet.nodes.map((info) => info.index).filter((index) => !subscribed.includes(index));

    const frozenAt = performance.now();
    await fleet.freeze(victim);
    resources.add("thaw", victim, (index) => fleet.thaw(index));
    await waitForState(manager, (state) => state.peers[victimId]?.connected !== true, 15_000, "the frozen node out of the counts");
    const outMs = Math.round(performance.now() - frozenAt);
    log(`frozen → out of the counts: ${outMs} ms (libp2p alone: about 13 s)`);
    expect(outMs).toBeLessThanOrEqual(5_000);

    const state = manager.store.getState();
    expect(state.status).toBe("connected");
    expect(state.health.filter.connected).toBeGreaterThanOrEqual(2);
    expect(state.events.some((event) => event.type === "peer:liveness-failed" && event.peerId === victimId)).toBe(true);

    // A spare now holds the subscription, and a message published after the freeze arrives.
    const replacedAfter = await poll(
      async () => {
        const now = await nodesWithSubscriptions(fleet);
        return now.some((index) => spares.includes(index)) ? Math.round(performance.now() - frozenAt) : undefined;
      },
      10_000,
      "a spare node holding the filter subscription",
    );
    log(`frozen → a spare holds the filter subscription: ${replacedAfter} ms`);
    const deliveredMs = await expectDelivered(node, inbox, topic, "after the freeze");
    log(`message published after the freeze delivered in ${Math.round(deliveredMs)} ms`);
  });

  it("with every service node down for 15 s, the status is connected again within 2 s of the restart", async () => {
    const fleet = await fleetOf(resources, { nodes: 3, bootstrap: 1 });
    const node = await lightNodeFor(resources, fleet);
    const { manager } = attach(resources, node, fleet);
    await waitForState(
      manager,
      (state) => Object.values(state.peers).filter((peer) => peer.connected && servesAll(peer.protocols)).length === 3,
      45_000,
      "all three fleet nodes connected and identified",
    );
    const topic = contentTopic("outage");
    const inbox = await subscribe(node, topic);
    await expectDelivered(node, inbox, topic, "before the outage");

    const indexes = fleet.nodes.map((info) => info.index);
    const downAt = performance.now();
    await Promise.all(indexes.map((index) => fleet.kill(index)));
    await waitForState(manager, (state) => state.status === "reconnecting", 10_000, "reconnecting");
    await sleep(Math.max(0, 15_000 - (performance.now() - downAt)));

    const readyAt: number[] = [];
    await Promise.all(
      indexes.map(async (index) => {
        await fleet.restart(index);
        readyAt.push(performance.now());
      }),
    );
    const lastReady = Math.max(...readyAt);
    const firstReady = Math.min(...readyAt);
    await waitForState(manager, (state) => state.status === "connected", 20_000, "connected after the restart");
    const connectedAt = performance.now();
    const afterRestartMs = Math.round(connectedAt - lastReady);
    log(
      `down ${Math.round(firstReady - downAt)} ms; restart → connected: ${afterRestartMs} ms after the last node was ready ` +
        `(${Math.round(connectedAt - firstReady)} ms after the first; nodes ready within ${Math.round(lastReady - firstReady)} ms of each other)`,
    );
    expect(afterRestartMs).toBeLessThanOrEqual(2_000);
    expect(manager.store.getState().recovery.lastRecoveredAt).toBeDefined();

    log(`connected → the SDK's filter subscription live again: ${Math.round(await filterLiveAgain(fleet, node))} ms`);
    const deliveredMs = await expectDelivered(node, inbox, topic, "after the outage", 10_000, fleet);
    log(`message published after the outage delivered in ${Math.round(deliveredMs)} ms`);
  });

  it("`online` after `offline` triggers a check and a reconnect with no waiting", async () => {
    const fleet = await fleetOf(resources, { nodes: 3, bootstrap: 1 });
    const node = await lightNodeFor(resources, fleet);
    const { manager, environment } = attach(resources, node, fleet);
    await waitForState(
      manager,
      (state) => Object.values(state.peers).filter((peer) => peer.connected && servesAll(peer.protocols)).length === 3,
      45_000,
      "all three fleet nodes connected and identified",
    );
    const topic = contentTopic("online");
    const inbox = await subscribe(node, topic);
    await expectDelivered(node, inbox, topic, "before going offline");

    // The device loses its network: it says offline, and every peer becomes unreachable.
    const indexes = fleet.nodes.map((info) => info.index);
    environment.setOnline(false);
    const offlineAt = Date.now();
    await Promise.all(indexes.map((index) => fleet.kill(index)));
    await waitForState(manager, (state) => state.status === "offline", 10_000, "offline");
    const attemptBefore = manager.store.getState().recovery.attempt;

    // The network is back before the device notices: nothing dials while it still says offline
    // (and the SDK's own re-dial is in its 60 s cooldown), so only the hint can bring it back now.
    await Promise.all(indexes.map((index) => fleet.restart(index)));
    await sleep(2_000);
    const quiet = manager.store.getState();
    expect(quiet.status).toBe("offline");
    expect(quiet.recovery.attempt).toBe(attemptBefore);
    expect(quiet.events.filter((event) => event.type === "peer:dial-failed" && event.at >= offlineAt)).toEqual([]);

    const onlineAt = performance.now();
    environment.setOnline(true);
    await waitForState(manager, (state) => state.status === "connected", 10_000, "connected after online");
    const onlineMs = Math.round(performance.now() - onlineAt);
    log(`online → connected: ${onlineMs} ms`);
    expect(onlineMs).toBeLessThanOrEqual(2_000);

    log(`connected → the SDK's filter subscription live again: ${Math.round(await filterLiveAgain(fleet, node))} ms`);
    const deliveredMs = await expectDelivered(node, inbox, topic, "after coming back online", 10_000, fleet);
    log(`message published after coming back online delivered in ${Math.round(deliveredMs)} ms`);
  });
});
