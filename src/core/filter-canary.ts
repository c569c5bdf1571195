import type { Clock, TimerHandle } from "./clock.js";
import { DEFAULT_CANARY_CONTENT_TOPIC_PREFIX } from "./constants.js";
import { errorMessage } from "./errors.js";
import type { ResolvedCanary } from "./resolve-options.js";

export interface CanaryContext {
  node: unknown;
  clock: Clock;
  random: () => number;
  options: ResolvedCanary;
  isOnline(): boolean;
  /** A subscribed filter peer delivered a probe (`ok`) or missed it. */
  outcome(peerId: string, ok: boolean, reason?: string): void;
  /** Something worth a line in the event log ("canary unavailable: …"). */
  note(detail: string): void;
}

export interface FilterCanary {
  /** Every filter push, from the protocol observer. */
  notePush(peerId: string, pubsubTopic: string, contentTopic: string | undefined): void;
  stop(): void;
}

interface SubscriptionView {
  pubsubTopic: string;
  contentTopics: string[];
  /** Peer id string → libp2p PeerId, as the SDK keeps them. */
  peers: Map<string, unknown>;
}

interface TopicState {
  /** Canary content topic on this shard; `null` once no candidate maps here. */
  canaryTopic: string | null | undefined;
  encoder: unknown;
  lastRoundAt: number;
  lastJudgedKey: string;
  /** When each subscribed peer was first seen in the subscription: new peers get time to subscribe. */
  peerSince: Map<string, number>;
  suspects: Set<string>;
}

interface CanaryNode {
  createEncoder(params: { contentTopic: string; ephemeral?: boolean }): { pubsubTopic?: unknown };
  lightPush: {
    send(encoder: unknown, message: { payload: Uint8Array }, options?: { autoRetry?: boolean }): Promise<unknown>;
  };
  filter: {
    /** The SDK's filter core (private): one subscribe request to one peer. */
    protocol: {
      subscribe(pubsubTopic: string, peerId: unknown, contentTopics: string[]): Promise<unknown>;
      unsubscribe?(pubsubTopic: string, peerId: unknown, contentTopics: string[]): Promise<unknown>;
    };
  };
}

/** How many canary topic names are tried to find one on a given shard (8 shards: a few tries). */
const CANARY_TOPIC_CANDIDATES = 256;

export function isCanaryTopic(contentTopic: string): boolean {
  return contentTopic.startsWith(DEFAULT_CANARY_CONTENT_TOPIC_PREFIX);
}

/**
 * Finds filter peers that accept a subscription but never push. The SDK heals those only after
 * three missed filter pings (about 3 min), and a peer that answers pings but drops pushes never.
 *
 * Every `firstDelayMs` the canary looks at the app's filter subscriptions (the SDK's private
 * `filter.subscriptions`: pubsub topic → subscribed peers; feature-detected, and without it the
 * canary says so once and does nothing). A subscription is due for a round when its peers
 * changed, when a peer is suspect, or `intervalMs` after the last round. A round is free when
 * every subscribed peer pushed something on that shard since the last round: they all deliver.
 * Otherwise each subscribed peer is subscribed to a canary content topic of the same shard, a
 * tiny ephemeral probe is light-pushed on it, and each peer gets `timeoutMs` to push it back. A
 * peer that does not is reported as a filter failure; one that does clears its suspicion. A probe
 * no light push peer accepted proves nothing and judges no one. Peers that joined the
 * subscription less than `firstDelayMs` ago are not judged yet.
 *
 * The canary topic is subscribed peer by peer through the SDK's filter core, not with
 * `filter.subscribe`: adding a content topic to the SDK's subscription while peers reconnect
 * makes the SDK subscribe the newly added peers to that topic alone, and the app's own topics
 * would never reach them. Probes arrive as pushes for a topic the app has no callback for; the
 * SDK drops them after the push observer has seen who delivered them.
 */
export function startFilterCanary(context: CanaryContext): FilterCanary | undefined {
  const node = context.node as Partial<CanaryNode> | undefined;
  if (
    typeof node?.createEncoder !== "function" ||
    typeof node.lightPush?.send !== "function" ||
    typeof node.filter?.protocol?.subscribe !== "function"
  ) {
    return undefined;
  }
  const api = node as CanaryNode;
  const { clock, options } = context;
  const topics = new Map<string, TopicState>();
  /** Peers we subscribed to a canary topic, to unsubscribe them at stop. */
  const canarySubscribed = new Map<string, { pubsubTopic: string; canaryTopic: string; peerId: unknown }>();
  const lastPush = new Map<string, number>();
  const lastCanaryPush = new Map<string, number>();
  let stopped = false;
  let timer: TimerHandle | undefined;
  let wait: { timer: TimerHandle; resolve: () => void } | undefined;
  let warnedUnreadable = false;
  let probes = 0;

  const key = (peerId: string, pubsubTopic: string): string => `${peerId}\n${pubsubTopic}`;

  const schedule = (delay: number): void => {
    if (stopped) return;
    timer = clock.setTimeout(() => {
      timer = undefined;
      look().then(
        () => schedule(options.firstDelayMs),
        (error: unknown) => {
          context.note(`filter canary failed: ${errorMessage(error)}`);
          schedule(options.firstDelayMs);
        },
      );
    }, delay);
  };

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      wait = {
        resolve,
        timer: clock.setTimeout(() => {
          wait = undefined;
          resolve();
        }, ms),
      };
    });

  async function look(): Promise<void> {
    if (stopped || !context.isOnline()) return;
    const subscriptions = readSubscriptions(context.node);
    if (subscriptions === undefined) {
      if (!warnedUnreadable) context.note("filter canary unavailable: the SDK's filter subscriptions cannot be read");
      warnedUnreadable = true;
      return;
    }
    for (const subscription of subscriptions) {
      if (stopped) return;
      if (subscription.contentTopics.length === 0 || subscription.peers.size === 0) continue;
      await round(subscription, topics.get(subscription.pubsubTopic) ?? newTopicState(subscription.pubsubTopic));
    }
  }

  function newTopicState(pubsubTopic: string): TopicState {
    const state: TopicState = {
      canaryTopic: undefined,
      encoder: undefined,
      lastRoundAt: 0,
      lastJudgedKey: "",
      peerSince: new Map(),
      suspects: new Set(),
    };
    topics.set(pubsubTopic, state);
    return state;
  }

  async function round(subscription: SubscriptionView, state: TopicState): Promise<void> {
    const now = clock.now();
    for (const peer of [...state.peerSince.keys()]) {
      if (!subscription.peers.has(peer)) {
        state.peerSince.delete(peer);
        state.suspects.delete(peer);
      }
    }
    for (const peer of subscription.peers.keys()) if (!state.peerSince.has(peer)) state.peerSince.set(peer, now);
    const judged = [...subscription.peers.keys()].filter((peer) => now - (state.peerSince.get(peer) ?? now) >= options.firstDelayMs);
    if (judged.length === 0) return;
    const judgedKey = [...judged].sort().join(",");
    const due = state.suspects.size > 0 || judgedKey !== state.lastJudgedKey || now - state.lastRoundAt >= options.intervalMs;
    if (!due) return;
    if (!ensureCanaryTopic(subscription.pubsubTopic, state)) return;
    const canaryTopic = state.canaryTopic as string;

    // Free round: everyone pushed something on this shard since the last round.
    if (
      state.lastRoundAt > 0 &&
      judged.every((peer) => (lastPush.get(key(peer, subscription.pubsubTopic)) ?? 0) >= state.lastRoundAt)
    ) {
      for (const peer of judged) succeed(state, peer);
      state.lastRoundAt = now;
      state.lastJudgedKey = judgedKey;
      return;
    }

    // Subscribe each judged peer to the canary topic; a peer that refuses was reported by the
    // protocol observer already and is not judged on the probe.
    const ready = (
      await Promise.all(
        judged.map(async (peer) => {
          const peerId = subscription.peers.get(peer);
          try {
            const result = (await api.filter.protocol.subscribe(subscription.pubsubTopic, peerId, [canaryTopic])) as {
              failure?: unknown;
            } | null;
            if (result?.failure !== undefined && result.failure !== null) return undefined;
            canarySubscribed.set(peer, { pubsubTopic: subscription.pubsubTopic, canaryTopic, peerId });
            return peer;
          } catch {
            return undefined;
          }
        }),
      )
    ).filter((peer): peer is string => peer !== undefined);
    if (stopped || ready.length === 0) return;

    const probeAt = clock.now();
    let accepted = false;
    try {
      const payload = new TextEncoder().encode(`waku-peers canary ${++probes} ${Math.floor(context.random() * 1e9)}`);
      const result = (await api.lightPush.send(state.encoder, { payload }, { autoRetry: false })) as { successes?: unknown };
      accepted = Array.isArray(result?.successes) && result.successes.length > 0;
    } catch {
      accepted = false;
    }
    if (stopped || !accepted) return;
    await sleep(options.timeoutMs);
    if (stopped) return;
    const still = readSubscriptions(context.node)?.find((view) => view.pubsubTopic === subscription.pubsubTopic)?.peers;
    for (const peer of ready) {
      if (still?.has(peer) !== true) continue;
      if ((lastCanaryPush.get(key(peer, subscription.pubsubTopic)) ?? 0) >= probeAt) {
        succeed(state, peer);
      } else {
        state.suspects.add(peer);
        context.outcome(peer, false, `filter: no push within ${options.timeoutMs} ms of a canary probe`);
      }
    }
    state.lastRoundAt = probeAt;
    state.lastJudgedKey = judgedKey;
  }

  function succeed(state: TopicState, peer: string): void {
    state.suspects.delete(peer);
    context.outcome(peer, true);
  }

  function ensureCanaryTopic(pubsubTopic: string, state: TopicState): boolean {
    if (state.canaryTopic === null) return false;
    if (state.canaryTopic !== undefined) return true;
    state.canaryTopic = findCanaryTopic(pubsubTopic);
    if (state.canaryTopic === null) {
      context.note(`filter canary unavailable on ${pubsubTopic}: no canary content topic maps to it`);
      return false;
    }
    state.encoder = api.createEncoder({ contentTopic: state.canaryTopic, ephemeral: true });
    return true;
  }

  function findCanaryTopic(pubsubTopic: string): string | null {
    for (let index = 0; index < CANARY_TOPIC_CANDIDATES; index++) {
      const contentTopic = `${DEFAULT_CANARY_CONTENT_TOPIC_PREFIX}${index}/1/probe/proto`;
      try {
        if (api.createEncoder({ contentTopic }).pubsubTopic === pubsubTopic) return contentTopic;
      } catch {
        return null;
      }
    }
    return null;
  }

  schedule(options.firstDelayMs);

  return {
    notePush(peerId, pubsubTopic, contentTopic) {
      const now = clock.now();
      lastPush.set(key(peerId, pubsubTopic), now);
      if (contentTopic !== undefined && isCanaryTopic(contentTopic)) lastCanaryPush.set(key(peerId, pubsubTopic), now);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      if (wait !== undefined) {
        clock.clearTimeout(wait.timer);
        wait.resolve();
        wait = undefined;
      }
      // Best effort: the node may be stopping, and an unpinged subscription lapses on its own.
      const unsubscribe = api.filter.protocol.unsubscribe;
      if (typeof unsubscribe === "function") {
        for (const { pubsubTopic, canaryTopic, peerId } of canarySubscribed.values()) {
          Promise.resolve()
            .then(() => unsubscribe.call(api.filter.protocol, pubsubTopic, peerId, [canaryTopic]))
            .catch(() => {});
        }
      }
      canarySubscribed.clear();
      topics.clear();
    },
  };
}

/** The SDK's filter subscriptions (private: `node.filter.subscriptions`), or `undefined` when their shape is unknown. */
export function readSubscriptions(node: unknown): SubscriptionView[] | undefined {
  try {
    const subscriptions = (node as { filter?: { subscriptions?: unknown } } | undefined)?.filter?.subscriptions;
    if (!(subscriptions instanceof Map)) return undefined;
    const views: SubscriptionView[] = [];
    for (const [pubsubTopic, subscription] of subscriptions as Map<unknown, unknown>) {
      const peers = (subscription as { peers?: unknown } | undefined)?.peers;
      const contentTopics = (subscription as { contentTopics?: unknown } | undefined)?.contentTopics;
      if (typeof pubsubTopic !== "string" || !(peers instanceof Map) || !Array.isArray(contentTopics)) return undefined;
      views.push({
        pubsubTopic,
        contentTopics: contentTopics.filter((topic): topic is string => typeof topic === "string"),
        peers: new Map([...(peers as Map<unknown, unknown>)].map(([id, peerId]) => [String(id), peerId])),
      });
    }
    return views;
  } catch {
    return undefined;
  }
}
