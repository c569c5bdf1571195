import type { ReactElement } from "react";

import type { PeerManager, SyncState } from "../../core/index.js";
import { clockTime, duration, shortId } from "./format.js";
import { useMessageActivity } from "./use-message-activity.js";

const ITEMS_SHOWN = 5;

/** The message hooks' outboxes (what waits, what was confirmed) and watchers (sync state, back-fills, gaps not filled). */
export function MessagesSection({ manager }: { manager: PeerManager | undefined }): ReactElement {
  const { outboxes, watchers } = useMessageActivity(manager);
  return (
    <div className="section wide" data-testid="devtools-messages">
      <h3 className="label">Messages</h3>
      {outboxes.length === 0 && watchers.length === 0 && (
        <p className="muted small">No message hook is mounted (useMessages, useSend… from waku-peers/messages).</p>
      )}
      <ul className="list">
        {outboxes.map(({ contentTopic, snapshot }) => (
          <li
            key={`outbox ${contentTopic}`}
            data-testid="devtools-outbox"
            data-topic={contentTopic}
            data-pending={snapshot.pending}
          >
            Outbox <span className="mono">{contentTopic}</span>: {snapshot.pending} waiting ·{" "}
            <span className={snapshot.canSend ? "ok" : "short"}>{snapshot.canSend ? "can send" : "cannot send now"}</span>
            {snapshot.storageError && <span className="bad"> · storage: {snapshot.storageError}</span>}
            <ul className="list small">
              {snapshot.items.slice(-ITEMS_SHOWN).map((item) => (
                <li key={item.id}>
                  <span className="mono muted">{clockTime(item.createdAt)}</span> {shortId(item.hash)}{" "}
                  <span
                    className={
                      item.status === "confirmed" ? "ok" : item.status === "failed" || item.status === "expired" ? "bad" : "short"
                    }
                  >
                    {item.status}
                  </span>
                  {item.attempts > 1 && ` · ${item.attempts} attempts`}
                  {item.lastError && item.status !== "confirmed" && <span className="muted"> · {item.lastError}</span>}
                </li>
              ))}
            </ul>
          </li>
        ))}
        {watchers.map(({ contentTopic, sync }, index) => (
          <li
            // biome-ignore lint/suspicious/noArrayIndexKey: two hooks may watch one topic; watchers are listed in mount order
            key={`watcher ${contentTopic} ${index}`}
            data-testid="devtools-watcher"
            data-topic={contentTopic}
            data-sync={sync.status}
          >
            Receiving <span className="mono">{contentTopic}</span>:{" "}
            <span className={sync.status === "live" ? "ok" : sync.status === "gap" ? "bad" : "short"}>{sync.status}</span>
            {sync.lastBackfill && lastBackfillNote(sync.lastBackfill)}
            {sync.unfilled.length > 0 && (
              <ul className="list small">
                {sync.unfilled.map((gap) => (
                  <li key={`${gap.from}-${gap.to}`} className="bad" data-testid="devtools-gap">
                    gap {clockTime(gap.from)} → {clockTime(gap.to)} ({duration(gap.to - gap.from)}): {gap.reason}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The last back-fill of a watcher: why it ran, what it found and delivered, how long it took. */
function lastBackfillNote(backfill: NonNullable<SyncState["lastBackfill"]>): ReactElement {
  return (
    <span className="small muted">
      {" "}
      · last back-fill ({backfill.reason}) {backfill.delivered} new of {backfill.found} in {duration(backfill.durationMs)}
      {backfill.ok ? "" : ", failed"}
    </span>
  );
}
