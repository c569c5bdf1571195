import { useEffect, useRef, useState } from "react";
import { useConnectionStatus, useReconnect } from "../../../src/index.js";

/**
 * The Reconnect button and what its last click came to. That result belongs to the outage it
 * ended: it is cleared as soon as the next outage starts (the status leaves connected), and
 * stays through the status changes of the outage it belongs to.
 */
export function ReconnectButton() {
  const { reconnect, isReconnecting, progress, lastResult } = useReconnect();
  const { status } = useConnectionStatus();
  const [shown, setShown] = useState(lastResult);
  useEffect(() => setShown(lastResult), [lastResult]);
  const previousStatus = useRef(status);
  useEffect(() => {
    if (previousStatus.current === "connected" && status !== "connected") setShown(undefined);
    previousStatus.current = status;
  }, [status]);
  return (
    <div className="reconnect">
      <button type="button" data-testid="reconnect" disabled={isReconnecting} onClick={() => void reconnect()}>
        {isReconnecting ? "Reconnecting…" : "Reconnect"}
      </button>
      {isReconnecting && progress && (
        <span data-testid="reconnect-progress">
          dialed {progress.dialed}/{progress.total}, {progress.succeeded} answered
        </span>
      )}
      {!isReconnecting && shown && (
        <span data-testid="reconnect-result" data-ok={String(shown.ok)}>
          {shown.ok ? "recovered" : `not recovered (${shown.error?.code ?? "?"})`} in {Math.round(shown.durationMs)} ms
        </span>
      )}
    </div>
  );
}
