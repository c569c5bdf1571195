import { useState, type FormEvent } from "react";
import { bytesToUtf8, utf8ToBytes } from "@waku/sdk";
import { useMessages, useOutbox, useSend, useSendStatus } from "../../../src/message-hooks/index.js";
import { SequenceCounter } from "./sequence-counter.js";

/** One sent message and its outbox status (queued → sending → sent → confirmed). */
function SentItem({ id, text }: { id: string; text: string }) {
  const item = useSendStatus(id);
  return (
    <li>
      {text}{" "}
      <span className={`status ${item?.status ?? "queued"}`} data-testid="send-status">
        {item?.status ?? "queued"}
      </span>
      {item && item.attempts > 1 && <span className="muted"> · {item.attempts} attempts</span>}
      {item?.lastError && item.status !== "confirmed" && <span className="muted"> · {item.lastError}</span>}
    </li>
  );
}

/**
 * Sends through the durable outbox (`useSend`) and shows each message's status; receives through
 * `useMessages`, which back-fills gaps from store, and labels each message with how it came.
 */
export function SendBox({ contentTopic }: { contentTopic: string }) {
  const { send, canSend } = useSend(contentTopic);
  const { pending } = useOutbox(contentTopic);
  const { messages, sync } = useMessages(contentTopic);
  const [draft, setDraft] = useState("hello waku");
  const [sent, setSent] = useState<{ id: string; text: string }[]>([]);
  const [error, setError] = useState<string>();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = draft;
    send(utf8ToBytes(text)).then(
      ({ id }) => {
        setError(undefined);
        setSent((previous) => [{ id, text }, ...previous].slice(0, 8));
      },
      (reason: unknown) => setError(reason instanceof Error ? reason.message : String(reason)),
    );
  };

  const recent = messages.slice(-20).reverse();
  return (
    <div className="send">
      <form onSubmit={submit} className="row">
        <input data-testid="send-input" value={draft} onChange={(event) => setDraft(event.target.value)} />
        <button type="submit" data-testid="send-button">
          Send
        </button>
      </form>
      <p className="muted" data-testid="send-result">
        {canSend ? "sending possible" : "offline: messages wait in the outbox"} · {pending} waiting
        {error && ` · ${error}`}
      </p>
      <ul className="sent">
        {sent.map((item) => (
          <SentItem key={item.id} {...item} />
        ))}
      </ul>
      <p className="muted" data-testid="sync">
        receive: {sync.status}
        {sync.unfilled.length > 0 && ` · ${sync.unfilled.length} gap(s) not filled: ${sync.unfilled[0]?.reason}`}
      </p>
      <SequenceCounter contentTopic={contentTopic} />
      <ul data-testid="received">
        {recent.map((message) => (
          <li key={message.hash}>
            <time>{new Date(message.timestamp).toLocaleTimeString()}</time> {bytesToUtf8(message.message.payload)}{" "}
            <span className={`source ${message.source}`}>{message.source === "store" ? "store back-fill" : "filter"}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
