import { errorMessage } from "../errors.js";
import { after, sleep } from "../lifetime/timers.js";
import { CANARY_MISS_PENALTY } from "../peers/score.js";
import { recordOutcome } from "../policy/outcomes.js";
import type { DialPool } from "../recovery/dial-pool.js";
import type { FilterPush, Runtime } from "../runtime.js";
import type { SubscriptionView } from "../sdk/sdk-internals.js";
import { read } from "../sdk/reach.js";
import { filterCore, filterSubscriptions, lightPushService } from "../sdk/sdk-internals.js";

/**
 * Canary content topics are `/waku-peers-canary-<n>/1/probe/proto`. Autosharding hashes only the
 * application and version parts, so the shard is chosen through the application name; 256 names
 * cover 8 shards in a few tries.
 */
const CANARY_PREFIX = "/waku-peers-canary-";
const CANARY_TOPIC_CANDIDATES = 256;

/**
 * @example
 * messages.filter((message) => !isCanaryTopic(message.contentTopic)); // the canary's probes are not app traffic
 */
export function isCanaryTopic(contentTopic: string): boolean {
  return contentTopic.startsWith(CANARY_PREFIX);
}

interface TopicState {
  /** Canary content topic on this shard; `null` once none maps here. */
  canaryTopic: string | null | undefined;
  encoder: unknown;
  lastRoundAt: number;
  lastJudgedKey: string;
  /** When each subscribed peer was first seen in the subscription: new peers get time to subscribe. */
  peerSince: Map<string, number>;
  suspects: Set<string>;
}

type Call = (...args: unknown[]) => Promise<unknown>;
type Push = (encoder: unknown, payload: Uint8Array) => Promise<unknown>;
type CreateEncoder = (params: { contentTopic: string; ephemeral?: boolean }) => unknown;

/**
 * Finds filter peers that accept a subscription but never push. The SDK heals those only after
 * three missed filter pings (about 3 min), and a peer that answers pings but drops pushes never.
 *
 * Every `firstDelayMs` the canary looks at the app's filter subscriptions (see `sdk-internals.ts`;
 * without them it says so once and does nothing). A subscription is due for a round when its
 * peers changed, when a peer is suspect, or `intervalMs` after the last round. A round is free
 * when every subscribed peer pushed something on that shard since the last one. Otherwise each
 * subscribed peer is subscribed to a canary content topic of the same shard, a tiny ephemeral
 * probe is light-pushed on it, and each peer gets `timeoutMs` to push it back; one that does not
 * is reported as a filter failure. A probe no light push peer accepted judges no one. Peers that
 * joined the subscription less than `firstDelayMs` ago are not judged yet.
 *
 * The canary topic is subscribed peer by peer through the SDK's filter core, not with
 * `filter.subscribe`: adding a topic to the SDK's own subscription while peers reconnect makes the
 * SDK subscribe the new peers to that topic alone, and the app's topics would never reach them.
 */
export function startFilterCanary(runtime: Runtime, pool: DialPool): void {
  const core = filterCore(runtime.node);
  const send = lightPushService(runtime.node)?.send;
  const createEncoder = read(runtime.node, "createEncoder");
  if (
    runtime.options.filterCanary === undefined ||
    typeof core?.subscribe !== "function" ||
    typeof send !== "function" ||
    typeof createEncoder !== "function"
  )
    return;
  new Canary(
    runtime,
    pool,
    core,
    (encoder, payload) => (send as Call).call(lightPushService(runtime.node), encoder, { payload }, { autoRetry: false }),
    createEncoder as Call,
  ).start();
}

class Canary {
  readonly #runtime: Runtime;
  readonly #pool: DialPool;
  readonly #core: Record<string, unknown>;
  readonly #push: Push;
  readonly #createEncoder: CreateEncoder;
  readonly #topics = new Map<string, TopicState>();
  /** Peers subscribed to a canary topic, unsubscribed at stop. */
  readonly #subscribed = new Map<string, { pubsubTopic: string; canaryTopic: string; peerId: unknown }>();
  readonly #lastPush = new Map<string, number>();
  readonly #lastCanaryPush = new Map<string, number>();
  #warnedUnreadable = false;
  #probes = 0;

  constructor(runtime: Runtime, pool: DialPool, core: Record<string, unknown>, push: Push, createEncoder: Call) {
    this.#runtime = runtime;
    this.#pool = pool;
    this.#core = core;
    this.#push = push;
    this.#createEncoder = createEncoder.bind(runtime.node) as CreateEncoder;
  }

  get #options() {
    return this.#runtime.options.filterCanary as NonNullable<Runtime["options"]["filterCanary"]>;
  }

  start(): void {
    const { bus, lifetime } = this.#runtime;
    bus.on("filterPush", (push) => this.#notePush(push));
    lifetime.onEnd(() => this.#unsubscribeAll());
    this.#schedule();
  }

  #schedule(): void {
    after(this.#runtime.clock, this.#runtime.lifetime, this.#options.firstDelayMs, () => {
      this.#look().then(
        () => this.#schedule(),
        (error: unknown) => {
          this.#note(`filter canary failed: ${errorMessage(error)}`);
          this.#schedule();
        },
      );
    });
  }

  #notePush({ peerId, pubsubTopic, contentTopic }: FilterPush): void {
    const now = this.#runtime.clock.now();
    this.#lastPush.set(key(peerId, pubsubTopic), now);
    if (contentTopic !== undefined && isCanaryTopic(contentTopic)) this.#lastCanaryPush.set(key(peerId, pubsubTopic), now);
  }

  #note(detail: string): void {
    this.#runtime.event("recovery", undefined, detail);
  }

  async #look(): Promise<void> {
    if (this.#runtime.signal.aborted || !this.#runtime.facts.online) return;
    const subscriptions = filterSubscriptions(this.#runtime.node);
    if (subscriptions === undefined) {
      if (!this.#warnedUnreadable) this.#note("filter canary unavailable: the SDK's filter subscriptions cannot be read");
      this.#warnedUnreadable = true;
      return;
    }
    for (const subscription of subscriptions) {
      if (this.#runtime.signal.aborted) return;
      if (subscription.contentTopics.length === 0 || subscription.peers.size === 0) continue;
      await this.#round(subscription, this.#topicState(subscription.pubsubTopic));
    }
  }

  #topicState(pubsubTopic: string): TopicState {
    let state = this.#topics.get(pubsubTopic);
    if (state === undefined) {
      state = {
        canaryTopic: undefined,
        encoder: undefined,
        lastRoundAt: 0,
        lastJudgedKey: "",
        peerSince: new Map(),
        suspects: new Set(),
      };
      this.#topics.set(pubsubTopic, state);
    }
    return state;
  }

  /** The subscribed peers old enough to be judged; `undefined` when this subscription is not due. */
  #due(subscription: SubscriptionView, state: TopicState, now: number): string[] | undefined {
    for (const peer of [...state.peerSince.keys()]) {
      if (subscription.peers.has(peer)) continue;
      state.peerSince.delete(peer);
      state.suspects.delete(peer);
    }
    for (const peer of subscription.peers.keys()) if (!state.peerSince.has(peer)) state.peerSince.set(peer, now);
    const { firstDelayMs, intervalMs } = this.#options;
    const judged = [...subscription.peers.keys()].filter((peer) => now - (state.peerSince.get(peer) ?? now) >= firstDelayMs);
    if (judged.length === 0) return undefined;
    const judgedKey = [...judged].sort().join(",");
    const due = state.suspects.size > 0 || judgedKey !== state.lastJudgedKey || now - state.lastRoundAt >= intervalMs;
    return due && this.#ensureCanaryTopic(subscription.pubsubTopic, state) ? judged : undefined;
  }

  async #round(subscription: SubscriptionView, state: TopicState): Promise<void> {
    const now = this.#runtime.clock.now();
    const judged = this.#due(subscription, state, now);
    if (judged === undefined) return;
    const judgedKey = [...judged].sort().join(",");
    const pushedSince = (peer: string): boolean =>
      (this.#lastPush.get(key(peer, subscription.pubsubTopic)) ?? 0) >= state.lastRoundAt;
    if (state.lastRoundAt > 0 && judged.every(pushedSince)) {
      // Free round: everyone pushed something on this shard since the last one.
      for (const peer of judged) this.#judge(state, peer, true);
    } else {
      const probeAt = await this.#probe(subscription, state, judged);
      if (probeAt === undefined) return;
      state.lastRoundAt = probeAt;
      state.lastJudgedKey = judgedKey;
      return;
    }
    state.lastRoundAt = now;
    state.lastJudgedKey = judgedKey;
  }

  /**
   * Subscribes the judged peers to the canary topic, pushes a probe, waits, judges. Returns the probe time, or `undefined`
   * when nothing was judged.
   */
  async #probe(subscription: SubscriptionView, state: TopicState, judged: readonly string[]): Promise<number | undefined> {
    const { pubsubTopic } = subscription;
    const canaryTopic = state.canaryTopic as string;
    // A peer that refuses the subscription was reported by the protocol observer already.
    const ready = (
      await Promise.all(judged.map((peer) => this.#subscribe(pubsubTopic, canaryTopic, peer, subscription.peers.get(peer))))
    ).filter((peer): peer is string => peer !== undefined);
    if (this.#runtime.signal.aborted || ready.length === 0) return undefined;
    const probeAt = this.#runtime.clock.now();
    if (!(await this.#pushProbe(state.encoder)) || this.#runtime.signal.aborted) return undefined;
    const { timeoutMs } = this.#options;
    await sleep(this.#runtime.clock, this.#runtime.lifetime, timeoutMs);
    if (this.#runtime.signal.aborted) return undefined;
    const still = filterSubscriptions(this.#runtime.node)?.find((view) => view.pubsubTopic === pubsubTopic)?.peers;
    for (const peer of ready) {
      if (still?.has(peer) !== true) continue;
      const delivered = (this.#lastCanaryPush.get(key(peer, pubsubTopic)) ?? 0) >= probeAt;
      this.#judge(state, peer, delivered, `filter: no push within ${timeoutMs} ms of a canary probe`);
    }
    return probeAt;
  }

  async #subscribe(pubsubTopic: string, canaryTopic: string, peer: string, peerId: unknown): Promise<string | undefined> {
    try {
      const result = await (this.#core.subscribe as Call).call(this.#core, pubsubTopic, peerId, [canaryTopic]);
      const failure = read(result, "failure");
      if (failure !== undefined && failure !== null) return undefined;
      this.#subscribed.set(peer, { pubsubTopic, canaryTopic, peerId });
      return peer;
    } catch {
      return undefined;
    }
  }

  /** Light-pushes one tiny probe; true when a light push peer accepted it (else it proves nothing). */
  async #pushProbe(encoder: unknown): Promise<boolean> {
    try {
      const payload = new TextEncoder().encode(`waku-peers canary ${++this.#probes} ${Math.floor(this.#runtime.random() * 1e9)}`);
      const successes = read(await this.#push(encoder, payload), "successes");
      return Array.isArray(successes) && successes.length > 0;
    } catch {
      return false;
    }
  }

  #judge(state: TopicState, peer: string, delivered: boolean, reason?: string): void {
    if (delivered) state.suspects.delete(peer);
    else state.suspects.add(peer);
    recordOutcome(this.#runtime, this.#pool, peer, "filter", delivered, reason, CANARY_MISS_PENALTY);
  }

  #ensureCanaryTopic(pubsubTopic: string, state: TopicState): boolean {
    if (state.canaryTopic !== undefined) return state.canaryTopic !== null;
    state.canaryTopic = this.#findCanaryTopic(pubsubTopic);
    if (state.canaryTopic === null) {
      this.#note(`filter canary unavailable on ${pubsubTopic}: no canary content topic maps to it`);
      return false;
    }
    state.encoder = this.#createEncoder({ contentTopic: state.canaryTopic, ephemeral: true });
    return true;
  }

  #findCanaryTopic(pubsubTopic: string): string | null {
    for (let index = 0; index < CANARY_TOPIC_CANDIDATES; index++) {
      const contentTopic = `${CANARY_PREFIX}${index}/1/probe/proto`;
      try {
        if (read(this.#createEncoder({ contentTopic }), "pubsubTopic") === pubsubTopic) return contentTopic;
      } catch {
        return null;
      }
    }
    return null;
  }

  /** Best effort: the node may be stopping, and an unpinged subscription lapses on its own. */
  #unsubscribeAll(): void {
    const unsubscribe = this.#core.unsubscribe;
    if (typeof unsubscribe === "function") {
      for (const { pubsubTopic, canaryTopic, peerId } of this.#subscribed.values()) {
        Promise.resolve()
          .then(() => (unsubscribe as Call).call(this.#core, pubsubTopic, peerId, [canaryTopic]))
          .catch(() => {});
      }
    }
    this.#subscribed.clear();
    this.#topics.clear();
  }
}

const key = (peerId: string, pubsubTopic: string): string => `${peerId}\n${pubsubTopic}`;
