import type { ReactElement } from "react";

import type { ConnectionStatus, PeerEvent } from "../../core/index.js";
import { clockTime, duration } from "./format.js";

const WINDOW_MS = 5 * 60_000;
const LISTED = 6;

interface Stretch {
  status: ConnectionStatus;
  from: number;
  to: number;
}

/** The statuses the event history holds, each with how long it lasted. */
function stretches(history: readonly PeerEvent[], current: ConnectionStatus, now: number): Stretch[] {
  const changes = history.filter((event) => event.type === "status" && event.detail !== undefined);
  const result = changes.map((event, index) => ({
    status: event.detail as ConnectionStatus,
    from: event.at,
    to: changes[index + 1]?.at ?? now,
  }));
  if (result.length === 0 || result.at(-1)?.status !== current)
    result.push({ status: current, from: result.at(-1)?.to ?? now, to: now });
  return result;
}

/** A bar of the last five minutes coloured by status, and the latest changes with how long each lasted. */
export function StatusTimeline({
  history,
  status,
  now,
}: {
  history: readonly PeerEvent[];
  status: ConnectionStatus;
  now: number;
}): ReactElement {
  const all = stretches(history, status, now);
  const start = Math.max(now - WINDOW_MS, all[0]?.from ?? now);
  const span = Math.max(1, now - start);
  const visible = all.filter((stretch) => stretch.to > start);
  return (
    <div className="section wide" data-testid="devtools-timeline">
      <h3 className="label">Status timeline</h3>
      <div className="timeline" role="img" aria-label={`status over the last ${duration(span)}`}>
        {visible.map((stretch) => (
          <span
            key={`${stretch.from}-${stretch.status}`}
            className={`s-${stretch.status}`}
            title={`${stretch.status} ${clockTime(stretch.from)}, ${duration(stretch.to - stretch.from)}`}
            style={{ width: `${((stretch.to - Math.max(stretch.from, start)) / span) * 100}%` }}
          />
        ))}
      </div>
      <div className="axis small muted">
        <span>{clockTime(start)}</span>
        <span>now</span>
      </div>
      <ol className="list small">
        {all
          .slice(-LISTED)
          .reverse()
          .map((stretch, index) => (
            <li key={`${stretch.from}-${stretch.status}`} data-testid="devtools-timeline-entry" data-status={stretch.status}>
              <span className="mono muted">{clockTime(stretch.from)}</span>{" "}
              <span className={`dot s-${stretch.status}`} style={{ display: "inline-block" }} /> {stretch.status}{" "}
              <span className="muted">
                {index === 0 ? `for ${duration(stretch.to - stretch.from)}` : duration(stretch.to - stretch.from)}
              </span>
            </li>
          ))}
      </ol>
    </div>
  );
}
