import { useEffect, useRef, useState } from "react";
import { bytesToUtf8, utf8ToBytes } from "@waku/sdk";
import { useMessageListener, useOutbox, useSend } from "../../../src/message-hooks/index.js";

const EVERY_MS = 500;
/** A confirmed message not received after this long counts as lost (back-fills take well under it). */
const SETTLE_MS = 5_000;

/** `/app/1/chat/proto` → `/app/1/chat-sequence/proto`: the counter's own topic. */
export function sequenceTopic(contentTopic: string): string {
  return contentTopic.replace(/\/([^/]+)\/([^/]+)$/, "/$1-sequence/$2");
}

/**
 * Sends `seq 0, seq 1, …` through the outbox every 500 ms while running and receives them back:
 * lost = messages a store has confirmed that the receiving side never delivered. Run it, then
 * kill / freeze / restart nodes in the chaos panel: it should stay at 0.
 */
export function SequenceCounter({ contentTopic }: { contentTopic: string }) {
  const topic = sequenceTopic(contentTopic);
  const { send } = useSend(topic);
  const { items } = useOutbox(topic);
  const [running, setRunning] = useState(false);
  const [received, setReceived] = useState<ReadonlySet<string>>(new Set());
  const sentIds = useRef(new Map<string, string>());
  const next = useRef(0);

  useMessageListener(topic, ({ message }) => {
    const text = bytesToUtf8(message.payload);
    setReceived((previous) => (previous.has(text) ? previous : new Set(previous).add(text)));
  });

  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      const text = `seq ${next.current++}`;
      send(utf8ToBytes(text)).then(
        ({ id }) => void sentIds.current.set(id, text),
        () => undefined,
      );
    }, EVERY_MS);
    return () => clearInterval(timer);
  }, [running, send]);

  const confirmed = items.filter((item) => item.status === "confirmed" && sentIds.current.has(item.id));
  // A store has had it for a while (long enough for any back-fill) and the receiver still has not.
  const settledBefore = Date.now() - SETTLE_MS;
  const lost = confirmed.filter((item) => {
    const text = sentIds.current.get(item.id);
    return (item.confirmedAt ?? 0) < settledBefore && (text === undefined || !received.has(text));
  }).length;
  return (
    <p className="sequence" data-testid="sequence">
      <button type="button" onClick={() => setRunning((value) => !value)}>
        {running ? "Stop sequence" : "Run sequence"}
      </button>{" "}
      sent {next.current} · confirmed {confirmed.length} · received {received.size} ·{" "}
      <strong className={lost === 0 ? "ok" : "bad"} data-testid="sequence-lost">
        lost: {lost}
      </strong>
    </p>
  );
}
