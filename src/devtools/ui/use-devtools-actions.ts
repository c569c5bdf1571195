"use client";
import { useCallback, useState, useSyncExternalStore } from "react";

import type { PeerManager, ReconnectResult } from "../../core/index.js";
import { errorMessage } from "../../core/errors.js";
import type { WakuPeersContextValue } from "../../provider/waku-peers-controller.js";
import type { DevtoolsNode } from "../types.js";
import { duration } from "./format.js";

/** What the last action came to, for the line beside the buttons. */
export interface ActionOutcome {
  ok: boolean;
  text: string;
}

export interface DevtoolsActions {
  /** The manager the actions reach (`undefined` while the provider has none yet). */
  readonly manager: PeerManager | undefined;
  readonly busy: boolean;
  readonly simulatingOffline: boolean;
  readonly canHangUp: boolean;
  readonly outcome: ActionOutcome | undefined;
  reconnect(hard: boolean): void;
  toggleOffline(): void;
  hangUp(peerId: string): void;
}

/**
 * The panel's buttons, each through a public seam: `reconnect()` (never rejects), the manager's
 * `simulateOffline`, and the node's `libp2p.hangUp`. Nothing here can reject unhandled.
 */
export function useDevtoolsActions(context: WakuPeersContextValue, givenNode: DevtoolsNode | undefined): DevtoolsActions {
  const manager = useSyncExternalStore(context.subscribeAttachment, context.getManager, noManager);
  const providerNode = useSyncExternalStore(context.subscribeAttachment, context.getNode, noNode) as DevtoolsNode | undefined;
  const node = givenNode ?? providerNode;
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ActionOutcome>();
  // Keyed by the manager: a new manager (options changed, node recreated) starts online.
  const [simulated, setSimulated] = useState<PeerManager>();

  const reconnect = useCallback(
    (hard: boolean) => {
      setBusy(true);
      void context.reconnect(hard ? { hard: true } : undefined).then((result) => {
        setBusy(false);
        setOutcome({ ok: result.ok, text: describeReconnect(hard, result) });
      });
    },
    [context],
  );
  const toggleOffline = useCallback(() => {
    if (manager === undefined) return;
    const on = simulated !== manager;
    manager.simulateOffline(on);
    setSimulated(on ? manager : undefined);
    setOutcome({
      ok: true,
      text: on ? "simulating offline: the manager hears offline from its environment" : "offline simulation ended",
    });
  }, [manager, simulated]);
  const hangUp = useCallback(
    (peerId: string) => {
      const connection = node?.libp2p.getConnections().find((candidate) => candidate.remotePeer.toString() === peerId);
      if (node === undefined || connection === undefined)
        return setOutcome({ ok: false, text: `hang up: ${peerId} is not connected` });
      Promise.resolve()
        .then(() => node.libp2p.hangUp(connection.remotePeer as never))
        .then(
          () => setOutcome({ ok: true, text: `hung up ${peerId}` }),
          (error: unknown) => setOutcome({ ok: false, text: `hang up failed: ${errorMessage(error)}` }),
        );
    },
    [node],
  );

  return {
    manager,
    busy,
    simulatingOffline: manager !== undefined && simulated === manager,
    canHangUp: node !== undefined,
    outcome,
    reconnect,
    toggleOffline,
    hangUp,
  };
}

const noManager = (): undefined => undefined;
const noNode = (): undefined => undefined;

function describeReconnect(hard: boolean, result: ReconnectResult): string {
  const what = hard ? "hard reconnect" : "reconnect";
  const how = `${duration(result.durationMs)}, ${result.dialed} dialed${result.recreated ? ", node recreated" : ""}`;
  return result.ok
    ? `${what}: connected in ${how}`
    : `${what} failed (${how}): ${result.error?.code ?? "?"} ${result.error?.message ?? ""}`.trim();
}
