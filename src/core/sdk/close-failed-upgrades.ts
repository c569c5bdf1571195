import { connectionUpgrader } from "./connection-internals.js";
import { read } from "./reach.js";

/** Upgraders already guarded: a second call (a recreated manager, a second provider) wraps nothing. */
const guarded = new WeakSet<object>();

/**
 * Makes a node close every raw connection whose outbound upgrade fails before it began. libp2p
 * 2.8's `upgradeOutbound` rethrows a denied or aborted dial (the gater check raced against the
 * dial's signal) without closing the socket the transport just opened, and the transport does not
 * close it either: a dial aborted between the websocket opening and the upgrade — as stopping a
 * node aborts every dial in flight — leaves a TCP socket open for good, the handshake done and
 * nothing more. Once per node, for its whole life (the sockets leak while it stops, after any
 * manager is gone); returns whether the upgrader was found.
 *
 * @example
 * const node = await createLightNode({ ...options, autoStart: false });
 * closeFailedUpgrades(node.libp2p);
 * await node.start();
 */
export function closeFailedUpgrades(libp2p: unknown): boolean {
  const upgrader = connectionUpgrader(libp2p);
  if (upgrader === undefined) return false;
  if (guarded.has(upgrader)) return true;
  const original = upgrader.upgradeOutbound as (this: unknown, ...args: unknown[]) => Promise<unknown>;
  try {
    upgrader.upgradeOutbound = async function upgradeOutbound(
      this: unknown,
      maConn: unknown,
      ...rest: unknown[]
    ): Promise<unknown> {
      try {
        return await original.call(this, maConn, ...rest);
      } catch (error) {
        abortQuietly(maConn, error);
        throw error;
      }
    };
    guarded.add(upgrader);
  } catch {
    return false;
  }
  return true;
}

/** Aborting twice is harmless (the upgrade's own failures abort already); a throwing abort changes nothing. */
function abortQuietly(maConn: unknown, error: unknown): void {
  const abort = read(maConn, "abort");
  if (typeof abort !== "function") return;
  try {
    abort.call(maConn, error);
  } catch {
    // already closed
  }
}
