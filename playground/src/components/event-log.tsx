import { useWakuPeers } from "../../../src/index.js";

export function EventLog() {
  const events = useWakuPeers((state) => state.events);
  const newestFirst = events.slice(-15).reverse();
  return (
    <ol className="events" data-testid="event-log">
      {newestFirst.map((event, position) => (
        <li key={`${event.at}-${position}`}>
          <time>{new Date(event.at).toLocaleTimeString()}</time> <strong>{event.type}</strong>{" "}
          {event.peerId ? `…${event.peerId.slice(-8)}` : ""} {event.detail ?? ""}
        </li>
      ))}
    </ol>
  );
}
