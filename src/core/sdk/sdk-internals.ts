import type { Lifetime } from "../lifetime/lifetime.js";
import type { PeerIdLike } from "./node-boundary.js";
import { type AnyFunction, asMethods, isObject, type Methods, read } from "./reach.js";

// The reaches into private parts of @waku/sdk 0.0.36 and libp2p 2.8 that the manager's acting parts
// make (loaded when the first manager starts); the two the first render needs are in
// connection-internals.ts, the shared helpers in reach.ts: an SDK upgrade is a review of those three
// files. Each accessor feature-detects and returns `undefined` when the shape is not the expected
// one; the part that needed it is then simply off. Nothing here throws.

/** libp2p's connection gater, consulted on every dial. */
export interface ConnectionGaterLike {
  denyDialPeer?: (peerId: PeerIdLike) => boolean | Promise<boolean>;
}

/** `libp2p.components.connectionGater` (not in libp2p's public typings; its components proxy throws for unknown names). */
export function connectionGater(libp2p: unknown): ConnectionGaterLike | undefined {
  const gater = read(read(libp2p, "components"), "connectionGater");
  return isObject(gater) ? (gater as ConnectionGaterLike) : undefined;
}

/**
 * The SDK's peer-exchange protocol objects (`peerExchange` of each `@waku/peer-exchange` discovery
 * in `libp2p.components.components`), each with `query({ numPeers, peerId })`. Empty when the
 * node runs no peer exchange or the shape is not the expected one.
 */
export function peerExchangeProtocols(libp2p: unknown): Methods[] {
  const components = read(read(libp2p, "components"), "components");
  if (!isObject(components)) return [];
  const found: Methods[] = [];
  try {
    for (const component of Object.values(components as Methods)) {
      if (Object.prototype.toString.call(component) !== "[object @waku/peer-exchange]") continue;
      const protocol = asMethods(read(component, "peerExchange"));
      if (typeof protocol?.query === "function") found.push(protocol);
    }
  } catch {
    return [];
  }
  return found;
}

/**
 * The SDK's dialer (`node.connectionManager.dialer` in @waku/core 0.0.40): `dial(peerId)` dials at
 * once when idle, else pushes onto `dialingQueue`, an array it works through 3 dials per 500 ms.
 */
export function sdkDialer(node: unknown): Methods | undefined {
  const dialer = asMethods(read(read(node, "connectionManager"), "dialer"));
  return typeof dialer?.dial === "function" && Array.isArray(read(dialer, "dialingQueue")) ? dialer : undefined;
}

/** `node.filter.protocol`: the SDK's filter core (`ping`, `subscribe`, `unsubscribe`, `handleIncomingMessage`). */
export function filterCore(node: unknown): Methods | undefined {
  return asMethods(read(read(node, "filter"), "protocol"));
}

/** `node.store.protocol`: the SDK's store core (`queryPerPage(query, decoders, peerId)`). */
export function storeCore(node: unknown): Methods | undefined {
  return asMethods(read(read(node, "store"), "protocol"));
}

/** `node.lightPush` (public; `send(encoder, message, options)`). */
export function lightPushService(node: unknown): Methods | undefined {
  return asMethods(read(node, "lightPush"));
}

/** One of the SDK's filter subscriptions: pubsub topic → subscribed peers. */
export interface SubscriptionView {
  pubsubTopic: string;
  contentTopics: string[];
  /** Peer id string → libp2p PeerId, as the SDK keeps them. */
  peers: Map<string, unknown>;
}

/**
 * `node.filter.subscriptions` (a Map of pubsub topic → `{ peers: Map, contentTopics: [] }`), or `undefined` when its
 * shape is unknown.
 */
export function filterSubscriptions(node: unknown): SubscriptionView[] | undefined {
  const subscriptions = read(read(node, "filter"), "subscriptions");
  if (!(subscriptions instanceof Map)) return undefined;
  try {
    const views: SubscriptionView[] = [];
    for (const [pubsubTopic, subscription] of subscriptions as Map<unknown, unknown>) {
      const peers = read(subscription, "peers");
      const contentTopics = read(subscription, "contentTopics");
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

/**
 * Replaces `target[key]` with `wrap(original)` until `lifetime` ends. The original is put back
 * then, unless someone wrapped it after us (their wrapper calls ours, which by then only passes
 * through). Returns whether the method was found and wrapped.
 */
export function wrapMethod(
  target: Methods | undefined,
  key: string,
  wrap: (original: AnyFunction) => AnyFunction,
  lifetime: Lifetime,
): boolean {
  const original = target?.[key];
  if (target === undefined || typeof original !== "function" || lifetime.ended) return false;
  const replacement = wrap(original as AnyFunction);
  const own = Object.hasOwn(target, key);
  try {
    target[key] = replacement;
  } catch {
    return false;
  }
  if (target[key] !== replacement) return false;
  lifetime.onEnd(() => {
    if (target[key] !== replacement) return;
    if (own) target[key] = original;
    else delete target[key];
  });
  return true;
}

/**
 * One more outbound stream allowed for `protocol` on each connection while `lifetime` lasts
 * (`libp2p.components.registrar`'s handler options; put back when it ends). For ping this is not
 * a nicety: the SDK keeps libp2p's limit of one outbound ping stream per connection, and libp2p's
 * connection monitor aborts a connection whose ping fails — also when it fails only because our
 * liveness ping holds that one stream. On a 300 ms link our ping holds it almost half the time.
 * Returns whether the allowance was found and raised.
 */
export function reserveOutboundStream(libp2p: unknown, protocol: string, lifetime: Lifetime): boolean {
  const registrar = read(read(libp2p, "components"), "registrar");
  const getHandler = read(registrar, "getHandler");
  if (typeof getHandler !== "function" || lifetime.ended) return false;
  let options: unknown;
  try {
    options = read((getHandler as AnyFunction).call(registrar, protocol), "options");
  } catch {
    return false; // no handler for the protocol
  }
  const allowed = read(options, "maxOutboundStreams");
  if (!isObject(options) || typeof allowed !== "number") return false;
  const writable = options as Methods;
  writable.maxOutboundStreams = allowed + 1;
  lifetime.onEnd(() => {
    const now = writable.maxOutboundStreams;
    if (typeof now === "number" && now > 1) writable.maxOutboundStreams = now - 1;
  });
  return true;
}

/**
 * Stops libp2p's connection monitor from aborting a connection whose monitor ping failed, while
 * `lifetime` lasts (put back when it ends). Its ping timeout is a timer that, after a stall of the
 * app's own event loop (a long task, a debugger), fires before the answer waiting in the socket is
 * read: it cuts healthy peers for the app's pause. Our liveness judges instead, and discards a
 * stalled round. Feature-detected (`libp2p.components.connectionMonitor`); returns whether it applied.
 */
export function holdMonitorAborts(libp2p: unknown, lifetime: Lifetime): boolean {
  const monitor = read(read(libp2p, "components"), "connectionMonitor");
  if (!isObject(monitor) || read(monitor, "abortConnectionOnPingFailure") !== true || lifetime.ended) return false;
  const writable = monitor as Methods;
  writable.abortConnectionOnPingFailure = false;
  lifetime.onEnd(() => {
    writable.abortConnectionOnPingFailure = true;
  });
  return true;
}
