import { useReconnect } from "../../../src/index.js";

export function ReconnectButton() {
  const { reconnect, isReconnecting, progress, lastResult } = useReconnect();
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
      {!isReconnecting && lastResult && (
        <span data-testid="reconnect-result" data-ok={String(lastResult.ok)}>
          {lastResult.ok ? "recovered" : "not recovered"} in {Math.round(lastResult.durationMs)} ms
        </span>
      )}
    </div>
  );
}
