"use client";
import { useState, useSyncExternalStore, type ReactElement } from "react";

import { useWakuPeersContext } from "../../provider/context.js";
import type { WakuPeersDevtoolsProps } from "../types.js";
import { DevtoolsView } from "./devtools-view.js";
import { InShadowRoot } from "./shadow-root.js";
import { useEventHistory } from "./use-event-history.js";

/** A corner button with the status; open, the panel above (or below) it. */
export function FloatingDevtools({
  manager,
  node,
  peerLabels,
  initialIsOpen = false,
  position = "bottom-right",
}: WakuPeersDevtoolsProps): ReactElement {
  const context = useWakuPeersContext("WakuPeersDevtools", { manager });
  const history = useEventHistory(context.store);
  const [open, setOpen] = useState(initialIsOpen);
  const status = useSyncExternalStore(
    context.store.subscribe,
    () => context.store.getState().status,
    () => context.store.getInitialState().status,
  );
  return (
    <InShadowRoot>
      <div className={`floating ${position}`}>
        {open && (
          <DevtoolsView context={context} history={history} node={node} peerLabels={peerLabels} onClose={() => setOpen(false)} />
        )}
        <button
          type="button"
          className="toggle"
          data-testid="devtools-toggle"
          aria-expanded={open}
          onClick={() => setOpen((value) => !value)}
        >
          <span className={`dot s-${status}`} />
          waku-peers · {status}
        </button>
      </div>
    </InShadowRoot>
  );
}
