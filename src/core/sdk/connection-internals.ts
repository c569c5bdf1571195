import { type AnyFunction, asMethods, isObject, type Methods, read } from "./reach.js";

// The reaches into libp2p 2.8's private parts that the first render already needs (the provider
// guards its node's upgrader; the peer table sees a connection start closing). Kept apart from
// sdk-internals.ts so the main chunk does not carry the acting parts' reaches.

/** `libp2p.components.upgrader`: every transport hands it each raw connection it opened (`upgradeOutbound(maConn, options)`). */
export function connectionUpgrader(libp2p: unknown): Methods | undefined {
  const upgrader = asMethods(read(read(libp2p, "components"), "upgrader"));
  return typeof upgrader?.upgradeOutbound === "function" ? upgrader : undefined;
}

/**
 * Calls `closing` as soon as libp2p starts closing `connection`, with `status` already `closing`.
 * libp2p 2.8 has no event for it: when the socket closes (a killed peer's reset, the remote's
 * close), the websocket transport sets `timeline.close`, and libp2p's upgrader answers that by
 * calling `connection.close()` — a graceful close bounded by a fixed 500 ms, and only after it
 * `connection:close` fires. The muxer (mplex) just ends its own source when the socket's ends and
 * leaves its streams open until that close, and a browser WebSocket reports only the same `close`
 * event. So the seam is the connection's own `close` method, wrapped on the instance (also how
 * our and the SDK's hang-ups begin). `abort()` needs no hook: it closes at once and libp2p fires
 * `connection:close` synchronously. Returns a release that puts the method back, or `undefined`
 * when the connection has no `close` method we can wrap (then `connection:close` is all there is).
 */
export function watchConnectionClosing(connection: unknown, closing: () => void): (() => void) | undefined {
  const target = isObject(connection) ? (connection as Methods) : undefined;
  const original = read(target, "close");
  if (target === undefined || typeof original !== "function") return undefined;
  const replacement = function (this: unknown, ...args: unknown[]): unknown {
    const result = (original as AnyFunction).apply(this, args);
    try {
      closing();
    } catch {
      // Our bookkeeping must never break libp2p's close.
    }
    return result;
  };
  const own = Object.hasOwn(target, "close");
  try {
    target.close = replacement;
  } catch {
    return undefined;
  }
  if (target.close !== replacement) return undefined;
  return () => {
    if (target.close !== replacement) return;
    if (own) target.close = original;
    else delete target.close;
  };
}
