import { recordOutcome } from "../policy/outcomes.js";
import type { DialPool } from "../recovery/dial-pool.js";
import type { Runtime } from "../runtime.js";
import type { ProtocolName } from "../types.js";
import { read } from "./reach.js";
import { filterCore, lightPushService, storeCore, wrapMethod } from "./sdk-internals.js";

/** What the observer could watch on this node (the private parts are feature-detected). */
export interface ProtocolCapabilities {
  lightPush: boolean;
  filterPing: boolean;
  filterPushes: boolean;
  store: boolean;
}

type Report = (peerId: unknown, protocol: ProtocolName, ok: boolean, reason?: string) => void;

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

/**
 * Watches the SDK's protocol results so a failing peer loses score without the app reporting it:
 *
 * - light push: `node.lightPush.send` resolves `{ successes: PeerId[], failures: [{ error, peerId }] }`;
 * - filter: the SDK's filter core answers `ping`/`subscribe` with `{ success, failure: { error, peerId } }`,
 *   and calls its `handleIncomingMessage` for every push with the pushing peer (put on the bus:
 *   the filter canary learns who delivers);
 * - store: the store core's `queryPerPage(query, decoders, peerId)` throws "Store query failed
 *   with status code …" on an error status.
 *
 * Only errors that are the remote peer's doing count: a rejection, an error status, no answer.
 * Our own mistakes (payload too big, bad topic), "no peer", and a missing or aborted stream (the
 * connection died: liveness and libp2p handle that, and it may be our own network) do not.
 * Wrappers pass arguments, results and errors through untouched, never throw themselves, and are
 * removed with `runtime.signal` (see `wrapMethod`).
 */
export function observeProtocols(runtime: Runtime, pool: DialPool): ProtocolCapabilities {
  const { node, signal, lifetime } = runtime;
  const report: Report = (peerId, protocol, ok, reason) => {
    if (signal.aborted || peerId === undefined || peerId === null) return;
    try {
      recordOutcome(runtime, pool, String(peerId), protocol, ok, reason);
    } catch {
      // An observer must never break the protocol call it watches.
    }
  };
  const core = filterCore(node);
  const filterResult = (peerArg: number, what: string) => (original: (this: unknown, ...args: unknown[]) => unknown) =>
    async function (this: unknown, ...args: unknown[]) {
      const result = await original.apply(this, args);
      observeCoreResult(result, args[peerArg], what, report);
      return result;
    };
  const lightPush = wrapMethod(
    lightPushService(node),
    "send",
    (original) =>
      async function (this: unknown, ...args: unknown[]) {
        const result = await original.apply(this, args);
        observeLightPush(result, report);
        return result;
      },
    lifetime,
  );
  const filterPing = wrapMethod(core, "ping", filterResult(0, "filter ping"), lifetime);
  wrapMethod(core, "subscribe", filterResult(1, "filter subscribe"), lifetime);
  const filterPushes = wrapMethod(
    core,
    "handleIncomingMessage",
    (original) =>
      function (this: unknown, ...args: unknown[]) {
        const [pubsubTopic, message, peerId] = args;
        if (!signal.aborted && typeof pubsubTopic === "string" && peerId !== undefined) {
          const contentTopic = read(message, "contentTopic");
          runtime.bus.emit("filterPush", {
            peerId: String(peerId),
            pubsubTopic,
            contentTopic: typeof contentTopic === "string" ? contentTopic : undefined,
          });
        }
        return original.apply(this, args);
      },
    lifetime,
  );
  const store = wrapMethod(
    storeCore(node),
    "queryPerPage",
    (original) =>
      function (this: unknown, ...args: unknown[]) {
        const pages = original.apply(this, args) as AsyncGenerator<unknown, unknown, unknown>;
        return isAsyncIterable(pages) ? observeStorePages(pages, args[2], report) : pages;
      },
    lifetime,
  );
  return { lightPush, filterPing, filterPushes, store };
}

function observeLightPush(result: unknown, report: Report): void {
  const successes = read(result, "successes");
  const failures = read(result, "failures");
  if (Array.isArray(successes)) for (const peerId of successes) report(peerId, "lightPush", true);
  if (!Array.isArray(failures)) return;
  for (const failure of failures) {
    const error = read(failure, "error");
    if (typeof error === "string" && PEER_LIGHT_PUSH_ERRORS.has(error))
      report(read(failure, "peerId"), "lightPush", false, `light push: ${error}`);
  }
}

function observeCoreResult(result: unknown, peerId: unknown, what: string, report: Report): void {
  const failure = read(result, "failure");
  if (typeof failure === "object" && failure !== null) {
    const error = read(failure, "error");
    if (typeof error === "string" && PEER_FILTER_ERRORS.has(error))
      report(read(failure, "peerId") ?? peerId, "filter", false, `${what}: ${error}`);
  } else if (read(result, "success") !== undefined && read(result, "success") !== null) {
    report(peerId, "filter", true);
  }
}

async function* observeStorePages(
  pages: AsyncGenerator<unknown, unknown, unknown>,
  peerId: unknown,
  report: Report,
): AsyncGenerator<unknown, unknown, unknown> {
  try {
    const returned = yield* pages;
    report(peerId, "store", true);
    return returned;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/status code|no response/i.test(message)) report(peerId, "store", false, `store: ${message}`);
    throw error;
  }
}

function isAsyncIterable(value: unknown): value is AsyncGenerator<unknown, unknown, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function"
  );
}
