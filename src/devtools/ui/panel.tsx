"use client";
import type { ReactElement } from "react";

import { useWakuPeersContext } from "../../provider/context.js";
import type { WakuPeersDevtoolsPanelProps } from "../types.js";
import { DevtoolsView } from "./devtools-view.js";
import { InShadowRoot } from "./shadow-root.js";
import { useEventHistory } from "./use-event-history.js";

/** The panel in the page's flow, in its own shadow root. */
export function DevtoolsPanel({ manager, node, peerLabels }: WakuPeersDevtoolsPanelProps): ReactElement {
  const context = useWakuPeersContext("WakuPeersDevtoolsPanel", { manager });
  const history = useEventHistory(context.store);
  return (
    <InShadowRoot>
      <DevtoolsView context={context} history={history} node={node} peerLabels={peerLabels} />
    </InShadowRoot>
  );
}
