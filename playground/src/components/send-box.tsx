import { useEffect, useState, type FormEvent } from "react";
import { bytesToUtf8, utf8ToBytes, type IDecodedMessage } from "@waku/sdk";
import { useConnectionStatus, useWakuNode } from "../../../src/index.js";

interface Received {
  text: string;
  at: number;
}

/** Light-pushes a message and shows it coming back through a filter subscription. */
export function SendBox({ contentTopic }: { contentTopic: string }) {
  const node = useWakuNode();
  const { isConnected, isDegraded } = useConnectionStatus();
  const [draft, setDraft] = useState("hello waku");
  const [received, setReceived] = useState<Received[]>([]);
  const [sendResult, setSendResult] = useState<string>();

  useEffect(() => {
    if (!node?.filter) return;
    const decoder = node.createDecoder({ contentTopic });
    const onMessage = (message: IDecodedMessage) => {
      const text = bytesToUtf8(message.payload);
      setReceived((previous) => [{ text, at: Date.now() }, ...previous].slice(0, 20));
    };
    void node.filter.subscribe(decoder, onMessage).catch((reason: unknown) => setSendResult(`subscribe failed: ${String(reason)}`));
    return () => {
      void node.filter?.unsubscribe(decoder).catch(() => undefined);
    };
  }, [node, contentTopic]);

  const send = (event: FormEvent) => {
    event.preventDefault();
    if (!node?.lightPush) return;
    const encoder = node.createEncoder({ contentTopic });
    node.lightPush.send(encoder, { payload: utf8ToBytes(draft) }).then(
      (result) => setSendResult(`sent to ${result.successes.length} peer(s), ${result.failures.length} failure(s)`),
      (reason: unknown) => setSendResult(`send failed: ${String(reason)}`),
    );
  };

  return (
    <div className="send">
      <form onSubmit={send} className="row">
        <input data-testid="send-input" value={draft} onChange={(event) => setDraft(event.target.value)} />
        <button type="submit" data-testid="send-button" disabled={!node || !(isConnected || isDegraded)}>
          Send
        </button>
      </form>
      {sendResult && <p className="muted" data-testid="send-result">{sendResult}</p>}
      <ul data-testid="received">
        {received.map((message, position) => (
          <li key={`${message.at}-${position}`}>
            <time>{new Date(message.at).toLocaleTimeString()}</time> {message.text}
          </li>
        ))}
      </ul>
    </div>
  );
}
