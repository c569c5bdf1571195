"use client";
import { useSyncExternalStore, type ReactElement } from "react";

import type { PeerEvent } from "../../core/index.js";
import type { WakuPeersContextValue } from "../../provider/waku-peers-controller.js";
import type { DevtoolsNode } from "../types.js";
import { ActionsBar } from "./actions-bar.js";
import { EventsSection } from "./events-section.js";
import { MessagesSection } from "./messages-section.js";
import { PeersSection } from "./peers-section.js";
import { ProtocolCounts } from "./protocol-counts.js";
import { RecoverySection } from "./recovery-section.js";
import { StatusTimeline } from "./status-timeline.js";
import { useDevtoolsActions } from "./use-devtools-actions.js";
import { useNow } from "./use-now.js";

export interface DevtoolsViewProps {
  context: WakuPeersContextValue;
  /** From `useEventHistory`, kept by the caller. */
  history: readonly PeerEvent[];
  node: DevtoolsNode | undefined;
  peerLabels: Readonly<Record<string, string>> | undefined;
  /** The floating panel's close button. */
  onClose?: () => void;
}

/** The whole panel: header, actions, and one section per concern. Re-renders on every store commit: it is a devtool. */
export function DevtoolsView({ context, history, node, peerLabels, onClose }: DevtoolsViewProps): ReactElement {
  const state = useSyncExternalStore(context.store.subscribe, context.store.getState, context.store.getInitialState);
  const actions = useDevtoolsActions(context, node);
  const now = useNow();
  return (
    <div className="root" data-testid="waku-peers-devtools">
      <div className="head">
        <span className="title">waku-peers devtools</span>
        <span className="chip" data-testid="devtools-status" data-status={state.status}>
          <span className={`dot s-${state.status}`} />
          {state.status}
        </span>
        <span className={`small ${state.online ? "muted" : "bad"}`}>{state.online ? "online" : "offline"}</span>
        {onClose && (
          <button type="button" aria-label="Close the devtools" data-testid="devtools-close" onClick={onClose}>
            ×
          </button>
        )}
      </div>
      <ActionsBar actions={actions} />
      <div className="body">
        <StatusTimeline history={history} status={state.status} now={now} />
        <ProtocolCounts health={state.health} />
        <RecoverySection state={state} now={now} simulatingOffline={actions.simulatingOffline} />
        <PeersSection
          peers={state.peers}
          history={history}
          labels={peerLabels}
          now={now}
          onHangUp={actions.canHangUp ? actions.hangUp : undefined}
        />
        <MessagesSection manager={actions.manager} />
        <EventsSection history={history} />
      </div>
    </div>
  );
}
