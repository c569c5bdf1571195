import type { ProtocolName } from "./types.js";

/**
 * Watches the SDK's protocol results so a failing peer loses score without the app reporting it:
 *
 * - light push: `node.lightPush.send` (public) resolves `{ successes: PeerId[], failures: [{ error, peerId }] }`;
 * - filter: the SDK's filter core (`node.filter.protocol`, private) answers `ping`/`subscribe`
 *   with `{ success, failure: { error, peerId } }`, and calls its `handleIncomingMessage` for every
 *   push with the pushing peer — which also tells the canary who delivers;
 * - store: the store core (`node.store.protocol`, private) `queryPerPage(query, decoders, peerId)`
 *   throws "Store query failed with status code …" on an error status.
 *
 * Everything private is feature-detected: what is missing is simply not observed (see
 * `capabilities`). Wrappers pass arguments, results and errors through untouched, never throw
 * themselves, and are removed by `detach()` when still in place.
 *
 * Only errors that are the remote peer's doing count: a rejection, an error status, no answer.
 * Our own mistakes (payload too big, bad topic), "no peer", and a missing or aborted stream
 * (the connection died: liveness and libp2p handle that, and it may be our own network) do not.
 */
export interface ProtocolObserverCallbacks {
  outcome(peerId: string, protocol: ProtocolName, ok: boolean, reason?: string): void;
  /** A filter push arrived from `peerId`. */
  filterPush(peerId: string, pubsubTopic: string, contentTopic: string | undefined): void;
}

export interface ProtocolCapabilities {
  lightPush: boolean;
  filterPing: boolean;
  filterPushes: boolean;
  store: boolean;
}

export interface ProtocolObserver {
  readonly capabilities: ProtocolCapabilities;
  detach(): void;
}

/** Light push errors (`LightPushError` values) that are the remote peer's doing. */
const PEER_LIGHT_PUSH_ERRORS = new Set([
  "Generic error",
  "No response received",
  "Remote peer rejected",
  "Rate limit exceeded",
  "Internal server error",
  "Service temporarily unavailable",
  "RLN proof generation failed",
  "No relay peers available",
  "Unsupported pubsub topic",
  "Failed to decode",
]);

/** Filter errors (`FilterError` values) that are the remote peer's doing. */
const PEER_FILTER_ERRORS = new Set(["Generic error", "No response received", "Remote peer rejected", "Ping failed"]);

export function isPeerLightPushError(error: unknown): boolean {
  return typeof error === "string" && PEER_LIGHT_PUSH_ERRORS.has(error);
}

export function isPeerFilterError(error: unknown): boolean {
  return typeof error === "string" && PEER_FILTER_ERRORS.has(error);
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

interface Patch {
  target: Record<string, unknown>;
  key: string;
  original: unknown;
  own: boolean;
  replacement: unknown;
}

export function observeProtocols(node: unknown, callbacks: ProtocolObserverCallbacks): ProtocolObserver {
  const patches: Patch[] = [];
  let detached = false;

  const report = (peerId: unknown, protocol: ProtocolName, ok: boolean, reason?: string): void => {
    if (detached || peerId === undefined || peerId === null) return;
    try {
      callbacks.outcome(String(peerId), protocol, ok, reason);
    } catch {
      // An observer must never break the protocol call it watches.
    }
  };

  const patch = (target: unknown, key: string, wrap: (original: AnyFunction) => AnyFunction): boolean => {
    if (!isObject(target)) return false;
    const original = target[key];
    if (typeof original !== "function") return false;
    const replacement = wrap(original as AnyFunction);
    const own = Object.prototype.hasOwnProperty.call(target, key);
    try {
      target[key] = replacement;
    } catch {
      return false;
    }
    if (target[key] !== replacement) return false;
    patches.push({ target, key, original, own, replacement });
    return true;
  };

  const lightPush = read(node, "lightPush");
  const lightPushObserved = patch(lightPush, "send", (original) =>
    async function (this: unknown, ...args: unknown[]) {
      const result = await original.apply(this, args);
      observeLightPush(result, report);
      return result;
    },
  );

  const filterCore = read(read(node, "filter"), "protocol");
  const filterPing = patch(filterCore, "ping", (original) =>
    async function (this: unknown, ...args: unknown[]) {
      const result = await original.apply(this, args);
      observeCoreResult(result, args[0], "filter", "filter ping", isPeerFilterError, report);
      return result;
    },
  );
  patch(filterCore, "subscribe", (original) =>
    async function (this: unknown, ...args: unknown[]) {
      const result = await original.apply(this, args);
      observeCoreResult(result, args[1], "filter", "filter subscribe", isPeerFilterError, report);
      return result;
    },
  );
  const filterPushes = patch(filterCore, "handleIncomingMessage", (original) =>
    function (this: unknown, ...args: unknown[]) {
      const [pubsubTopic, message, peerId] = args;
      if (!detached && typeof pubsubTopic === "string" && peerId !== undefined) {
        try {
          const contentTopic = read(message, "contentTopic");
          callbacks.filterPush(String(peerId), pubsubTopic, typeof contentTopic === "string" ? contentTopic : undefined);
        } catch {
          // never break delivery
        }
      }
      return original.apply(this, args);
    },
  );

  const storeCore = read(read(node, "store"), "protocol");
  const storeObserved = patch(storeCore, "queryPerPage", (original) =>
    function (this: unknown, ...args: unknown[]) {
      const generator = original.apply(this, args) as AsyncGenerator<unknown, unknown, unknown>;
      if (!isAsyncIterable(generator)) return generator;
      return observeStorePages(generator, args[2], report, () => detached);
    },
  );

  return {
    capabilities: { lightPush: lightPushObserved, filterPing, filterPushes, store: storeObserved },
    detach() {
      if (detached) return;
      detached = true;
      for (const { target, key, original, own, replacement } of patches.reverse()) {
        if (target[key] !== replacement) continue;
        if (own) target[key] = original;
        else delete target[key];
      }
      patches.length = 0;
    },
  };
}

function observeLightPush(result: unknown, report: (peerId: unknown, protocol: ProtocolName, ok: boolean, reason?: string) => void): void {
  if (!isObject(result)) return;
  const { successes, failures } = result;
  if (Array.isArray(successes)) for (const peerId of successes) report(peerId, "lightPush", true);
  if (Array.isArray(failures)) {
    for (const failure of failures) {
      if (!isObject(failure) || failure.peerId === undefined) continue;
      if (isPeerLightPushError(failure.error)) report(failure.peerId, "lightPush", false, `light push: ${String(failure.error)}`);
    }
  }
}

function observeCoreResult(
  result: unknown,
  peerId: unknown,
  protocol: ProtocolName,
  what: string,
  counts: (error: unknown) => boolean,
  report: (peerId: unknown, protocol: ProtocolName, ok: boolean, reason?: string) => void,
): void {
  if (!isObject(result)) return;
  if (isObject(result.failure)) {
    const failure = result.failure;
    if (counts(failure.error)) report(failure.peerId ?? peerId, protocol, false, `${what}: ${String(failure.error)}`);
  } else if (result.success !== undefined && result.success !== null) {
    report(peerId, protocol, true);
  }
}

async function* observeStorePages(
  pages: AsyncGenerator<unknown, unknown, unknown>,
  peerId: unknown,
  report: (peerId: unknown, protocol: ProtocolName, ok: boolean, reason?: string) => void,
  detached: () => boolean,
): AsyncGenerator<unknown, unknown, unknown> {
  try {
    const returned = yield* pages;
    if (!detached()) report(peerId, "store", true);
    return returned;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!detached() && /status code|no response/i.test(message)) report(peerId, "store", false, `store: ${message}`);
    throw error;
  }
}

function read(value: unknown, key: string): unknown {
  if (!isObject(value)) return undefined;
  try {
    return value[key];
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null;
}

function isAsyncIterable(value: unknown): value is AsyncGenerator<unknown, unknown, unknown> {
  return isObject(value) && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function";
}
