import type { ReactElement } from "react";

import type { PeerEvent } from "../../core/index.js";
import { clockTime, shortId } from "./format.js";

const SHOWN = 100;

/** The event history, newest first. */
export function EventsSection({ history }: { history: readonly PeerEvent[] }): ReactElement {
  const newestFirst = history.slice(-SHOWN).reverse();
  return (
    <div className="section wide" data-testid="devtools-events">
      <h3 className="label">
        Events <span className="muted">({history.length} seen, newest first)</span>
      </h3>
      <ol className="list scroll mono">
        {newestFirst.map((event, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: events have no id; a position counted from the oldest is stable
          <li key={`${event.at}-${history.length - index}`} className="event" data-type={event.type}>
            <span className="muted">{clockTime(event.at)}</span>
            <span>{event.type}</span>
            <span className="muted">
              {event.peerId ? `${shortId(event.peerId)} ` : ""}
              {event.detail ?? ""}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
