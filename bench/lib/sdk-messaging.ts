/**
 * What an app does with `@waku/sdk` alone, written without a line of waku-peers (like
 * `observer.ts`): a filter subscription that records what arrives, a sender that calls
 * `lightPush.send` (the SDK's defaults, `autoRetry` on), and the store truth read from one node.
 */
import { bytesToUtf8, utf8ToBytes, type IDecodedMessage, type LightNode } from "@waku/sdk";

import { sleep } from "./time.js";

/** Payload texts in arrival order, repeats included. */
export async function sdkFilterCollector(node: LightNode, contentTopic: string): Promise<string[]> {
  const arrived: string[] = [];
  const subscribed = await node.filter.subscribe(node.createDecoder({ contentTopic }), (message: IDecodedMessage) => {
    arrived.push(bytesToUtf8(message.payload));
  });
  if (!subscribed) throw new Error(`SDK alone: filter subscription to ${contentTopic} failed`);
  return arrived;
}

/** Calls `send(text)` every `intervalMs` until stopped; each text is sent once by the caller's code. */
export class PacedLoop {
  readonly texts: string[] = [];
  /** text → epoch ms it was handed to `send`. */
  readonly sentAt = new Map<string, number>();
  #running = true;
  readonly #done: Promise<void>;

  constructor(label: string, intervalMs: number, send: (text: string) => Promise<unknown>) {
    this.#done = (async () => {
      for (let sequence = 0; this.#running; sequence++) {
        const text = `${label} ${sequence}`;
        this.texts.push(text);
        this.sentAt.set(text, Date.now());
        // A failed send is the figure being measured, not an error of the benchmark.
        void send(text).catch(() => {});
        await sleep(intervalMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#done;
  }
}

/** The SDK alone sending: `lightPush.send` with its defaults (its own in-memory retries included). */
export function sdkSend(node: LightNode, contentTopic: string): (text: string) => Promise<unknown> {
  const encoder = node.createEncoder({ contentTopic });
  return (text) => node.lightPush.send(encoder, { payload: utf8ToBytes(text) });
}

/** text → the hashes it is stored under, on the store node `peerId`. */
export async function storeContents(
  node: LightNode,
  contentTopic: string,
  peerId: string,
  since: number,
): Promise<Map<string, string[]>> {
  const peer = node.libp2p.getConnections().find((connection) => connection.remotePeer.toString() === peerId)?.remotePeer;
  if (peer === undefined) throw new Error(`the checker is not connected to store node ${peerId}`);
  const contents = new Map<string, string[]>();
  for await (const page of node.store.queryGenerator([node.createDecoder({ contentTopic })], {
    timeStart: new Date(since),
    timeEnd: new Date(Date.now() + 60_000),
    paginationForward: true,
    paginationLimit: 100,
    peerId: peer,
  })) {
    for (const message of await Promise.all(page)) {
      if (message === undefined) continue;
      const text = bytesToUtf8(message.payload);
      contents.set(text, [...(contents.get(text) ?? []), message.hashStr]);
    }
  }
  return contents;
}
