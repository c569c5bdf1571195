/**
 * The SDK's protocol objects, shaped like @waku/sdk 0.0.36's (public `lightPush.send`,
 * `createEncoder`; private `filter.protocol`, `filter.subscriptions`, `store.protocol`), on top
 * of a fake node. The "network" is scripted: which peers reject light push, which filter peers
 * stay silent, which store peers fail.
 *
 *   const sdk = addFakeProtocols(fake);
 *   sdk.lightPushPeers = ["A", "B"]; sdk.rejectLightPush.add("B");
 *   sdk.subscribe("/app/1/chat/proto", ["A", "B"]); sdk.silent.add("B");
 */
import type { FakeNode } from "./_fake-node.js";

export interface LightPushResult {
  successes: { toString(): string }[];
  failures: { error: string; peerId?: { toString(): string } }[];
}

const id = (value: string) => ({ toString: () => value });

/** Autosharding stand-in: the shard depends on the application part only, as in Waku. */
export function pubsubTopicOf(contentTopic: string): string {
  const application = contentTopic.split("/")[1] ?? "";
  let hash = 0;
  for (const char of application) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `/waku/2/rs/42/${hash % 8}`;
}

export function addFakeProtocols(fake: FakeNode) {
  /** Filter peer → pubsub topic → content topics it was subscribed to (by the SDK or the canary). */
  const filterSubscriptions = new Map<string, Map<string, Set<string>>>();
  const state = {
    lightPushPeers: [] as string[],
    rejectLightPush: new Map<string, string>(),
    silent: new Set<string>(),
    storeFails: new Map<string, number>(),
    sent: [] as string[],
    delayMs: 10,
  };
  const subscriptions = new Map<string, { peers: Map<string, { toString(): string }>; contentTopics: string[] }>();

  const filterCore = {
    async ping(peerId: { toString(): string }) {
      return state.silent.has(`ping-fail:${peerId.toString()}`)
        ? { success: null, failure: { error: "Remote peer rejected", peerId } }
        : { success: peerId, failure: null };
    },
    async subscribe(pubsubTopic: string, peerId: { toString(): string }, contentTopics: string[]) {
      const topics = filterSubscriptions.get(peerId.toString()) ?? new Map<string, Set<string>>();
      const set = topics.get(pubsubTopic) ?? new Set<string>();
      for (const topic of contentTopics) set.add(topic);
      topics.set(pubsubTopic, set);
      filterSubscriptions.set(peerId.toString(), topics);
      return { success: peerId, failure: null };
    },
    async unsubscribe(pubsubTopic: string, peerId: { toString(): string }, contentTopics: string[]) {
      for (const topic of contentTopics) filterSubscriptions.get(peerId.toString())?.get(pubsubTopic)?.delete(topic);
      return { success: peerId, failure: null };
    },
    /** What the SDK's filter core calls for every push (the manager observes it). */
    handleIncomingMessage: (_pubsubTopic: string, _message: { contentTopic?: string }, _peerId: string): void => {},
  };

  const node = fake.node as typeof fake.node & Record<string, unknown>;
  const sdk = {
    createEncoder: ({ contentTopic }: { contentTopic: string; ephemeral?: boolean }) => ({
      contentTopic,
      pubsubTopic: pubsubTopicOf(contentTopic),
    }),
    lightPush: {
      async send(
        encoder: { contentTopic: string; pubsubTopic: string },
        _message: unknown,
        _options?: unknown,
      ): Promise<LightPushResult> {
        const result: LightPushResult = { successes: [], failures: [] };
        for (const peer of state.lightPushPeers) {
          const error = state.rejectLightPush.get(peer);
          if (error !== undefined) {
            result.failures.push({ error, peerId: id(peer) });
          } else {
            result.successes.push(id(peer));
          }
        }
        if (result.successes.length > 0) {
          state.sent.push(encoder.contentTopic);
          deliver(encoder.pubsubTopic, encoder.contentTopic);
        }
        return result;
      },
    },
    filter: { protocol: filterCore, subscriptions },
    store: {
      protocol: {
        async *queryPerPage(_query: unknown, _decoders: unknown, peerId: { toString(): string }) {
          yield ["page 1"];
          const status = state.storeFails.get(peerId.toString());
          if (status !== undefined) throw new Error(`Store query failed with status code: ${status}, description: boom`);
          yield ["page 2"];
        },
      },
    },
  };
  Object.assign(node, sdk);
  // Like the SDK's subscription: a peer that disconnects leaves it.
  fake.libp2p.addEventListener("peer:disconnect", (event) => {
    for (const subscription of subscriptions.values()) subscription.peers.delete(event.detail.toString());
  });

  /** Every non-silent filter peer subscribed to the topic pushes it, a little later. */
  function deliver(pubsubTopic: string, contentTopic: string): void {
    for (const [peer, topics] of filterSubscriptions) {
      if (state.silent.has(peer) || !topics.get(pubsubTopic)?.has(contentTopic)) continue;
      // Read at call time: the manager wraps it.
      setTimeout(() => filterCore.handleIncomingMessage(pubsubTopic, { contentTopic }, peer), state.delayMs);
    }
  }

  return {
    node: node as typeof node & typeof sdk,
    state,
    filterSubscriptions,
    /** The app subscribes: the SDK's subscription for that shard gets these peers, subscribed to the topic. */
    subscribe(contentTopic: string, peers: string[]) {
      const pubsubTopic = pubsubTopicOf(contentTopic);
      const subscription = subscriptions.get(pubsubTopic) ?? {
        peers: new Map<string, { toString(): string }>(),
        contentTopics: [] as string[],
      };
      subscription.contentTopics.push(contentTopic);
      for (const peer of peers) {
        subscription.peers.set(peer, id(peer));
        void filterCore.subscribe(pubsubTopic, id(peer), [contentTopic]);
      }
      subscriptions.set(pubsubTopic, subscription);
      return pubsubTopic;
    },
    /** Someone else publishes on a topic: subscribed, non-silent peers push it. */
    publishFromElsewhere: deliver,
  };
}
