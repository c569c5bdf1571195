/**
 * A simulated device network, shared by the light nodes of one row (they run on the same
 * "device"). Going offline:
 * - makes every outbound dial fail, through a libp2p connection gater the nodes are created
 *   with (`nodeOptions`), as a phone without signal would, in-flight ones included;
 * - tells our manager, through a manual environment (the core's public seam for this);
 * - flips `navigator.onLine` and fires the window `offline` / `online` events that the SDK's own
 *   network monitor listens to in a browser (on `globalThis`), so the SDK alone gets the same
 *   signal it would get on a real device. Node has neither, so both are installed for the row.
 * Existing connections are not touched: the row hangs them up itself, in the open.
 */
import type { CreateNodeOptions } from "@waku/sdk";

import { manualEnvironment, type ManualEnvironment } from "../../src/core/index.js";

export interface DeviceNetwork {
  /** Merge into both sides' light node options. */
  readonly nodeOptions: CreateNodeOptions;
  /** Give to our manager. */
  readonly environment: ManualEnvironment;
  readonly online: boolean;
  goOffline(): void;
  goOnline(): void;
  /** Removes the browser globals; call after every node of the row has stopped. */
  dispose(): void;
}

type GlobalEvents = Pick<EventTarget, "addEventListener" | "removeEventListener" | "dispatchEvent">;

export function createDeviceNetwork(): DeviceNetwork {
  let online = true;
  const environment = manualEnvironment({ online: true });
  const restoreGlobals = installBrowserNetworkGlobals(() => online);
  const deny = (): boolean => !online;
  const dispatch = (type: "online" | "offline"): void => {
    (globalThis as unknown as GlobalEvents).dispatchEvent(new Event(type));
  };
  return {
    // Every stage of an outbound connection, so a dial already under way when the device goes
    // offline fails too, as it would without a network.
    nodeOptions: {
      libp2p: {
        connectionGater: {
          denyDialPeer: deny,
          denyDialMultiaddr: deny,
          denyOutboundConnection: deny,
          denyOutboundEncryptedConnection: deny,
          denyOutboundUpgradedConnection: deny,
        },
      },
    },
    environment,
    get online() {
      return online;
    },
    goOffline() {
      online = false;
      environment.setOnline(false);
      dispatch("offline");
    },
    goOnline() {
      online = true;
      environment.setOnline(true);
      dispatch("online");
    },
    dispose: restoreGlobals,
  };
}

/** `globalThis` as a window-like event target with `navigator.onLine`; returns the undo. */
function installBrowserNetworkGlobals(isOnline: () => boolean): () => void {
  const scope = globalThis as unknown as Record<string, unknown>;
  const names = ["addEventListener", "removeEventListener", "dispatchEvent", "navigator"] as const;
  const saved = names.map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)] as const);
  const target = new EventTarget();
  scope.addEventListener = target.addEventListener.bind(target);
  scope.removeEventListener = target.removeEventListener.bind(target);
  scope.dispatchEvent = target.dispatchEvent.bind(target);
  Object.defineProperty(globalThis, "navigator", {
    configurable: true,
    get: () => ({ onLine: isOnline() }),
  });
  return () => {
    for (const [name, descriptor] of saved) {
      if (descriptor === undefined) delete scope[name];
      else Object.defineProperty(globalThis, name, descriptor);
    }
  };
}
