import type { ReactElement } from "react";

import type { DevtoolsActions } from "./use-devtools-actions.js";

/** Reconnect, hard reconnect, simulate offline, and what the last of them came to. */
export function ActionsBar({ actions }: { actions: DevtoolsActions }): ReactElement {
  const { busy, manager, simulatingOffline, outcome } = actions;
  return (
    <div className="actions">
      <button type="button" data-testid="devtools-reconnect" disabled={busy} onClick={() => actions.reconnect(false)}>
        Reconnect
      </button>
      <button type="button" data-testid="devtools-hard-reconnect" disabled={busy} onClick={() => actions.reconnect(true)}>
        Hard reconnect
      </button>
      <button
        type="button"
        data-testid="devtools-simulate-offline"
        disabled={manager === undefined}
        aria-pressed={simulatingOffline}
        onClick={actions.toggleOffline}
      >
        {simulatingOffline ? "End offline simulation" : "Simulate offline"}
      </button>
      {busy && <span className="small muted">reconnecting…</span>}
      {!busy && outcome && (
        <span className={`small ${outcome.ok ? "ok" : "bad"}`} data-testid="devtools-action-result" data-ok={String(outcome.ok)}>
          {outcome.text}
        </span>
      )}
    </div>
  );
}
