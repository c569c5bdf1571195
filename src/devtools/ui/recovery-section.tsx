import type { ReactElement } from "react";

import type { WakuPeersState } from "../../core/index.js";
import { clockTime, duration } from "./format.js";

/** Automatic recovery (attempt, next retry), a manual reconnect's dials, the lost-connection signal, the last error. */
export function RecoverySection({
  state,
  now,
  simulatingOffline,
}: {
  state: WakuPeersState;
  now: number;
  simulatingOffline: boolean;
}): ReactElement {
  const { recovery, lost, lastError, online } = state;
  const automatic = recovery.inProgress && !recovery.manual;
  const progress = recovery.progress;
  return (
    <div className="section" data-testid="devtools-recovery" data-in-progress={String(recovery.inProgress)}>
      <h3 className="label">Recovery</h3>
      <ul className="list">
        <li>
          Automatic:{" "}
          {automatic ? (
            <span className="short">
              attempt {recovery.attempt}
              {recovery.nextRetryAt !== undefined &&
                `, next retry ${recovery.nextRetryAt > now ? `in ${duration(recovery.nextRetryAt - now)}` : "now"}`}
            </span>
          ) : (
            <span className="muted">{recovery.inProgress ? "standing aside for a manual reconnect" : "idle"}</span>
          )}
        </li>
        <li>
          Manual reconnect:{" "}
          {recovery.manual ? (
            <span className="short" data-testid="devtools-reconnect-progress">
              dialed {progress?.dialed ?? 0} / {progress?.total ?? "?"}, {progress?.succeeded ?? 0} answered
            </span>
          ) : (
            <span className="muted">none running</span>
          )}
        </li>
        <li>
          Last recovered:{" "}
          <span className="muted">
            {recovery.lastRecoveredAt === undefined
              ? "never"
              : `${clockTime(recovery.lastRecoveredAt)} (${duration(now - recovery.lastRecoveredAt)} ago)`}
          </span>
        </li>
        <li>
          Lost-connection signal: <span className={lost === "ok" || lost === "restored" ? "ok" : "bad"}>{lost}</span>
        </li>
        <li data-testid="devtools-online" data-online={String(online)}>
          Device: <span className={online ? "ok" : "bad"}>{online ? "online" : "offline"}</span>
          {simulatingOffline && <span className="muted"> (simulated)</span>}
        </li>
        <li data-testid="devtools-last-error">
          Last error:{" "}
          {lastError === undefined ? (
            <span className="muted">none</span>
          ) : (
            <span className="bad">
              <span className="mono">{lastError.code}</span> {lastError.message}
            </span>
          )}
        </li>
      </ul>
    </div>
  );
}
