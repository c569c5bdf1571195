import type { IDecodedMessage, IDecoder } from "@waku/sdk";

import type { PeerInfo } from "../core/types.js";
import { withinMs } from "./deadline.js";
import { queryStoreWindow, type MessageNode } from "./sdk-adapter.js";
import { connectedThrough, rankStorePeers } from "./store-peer-ranking.js";
import { storeWindows, type TimeRange } from "./time-windows.js";

/** A store peer that has not answered a whole range by then is given up on (the SDK's query has no timeout). */
const PEER_TIMEOUT_MS = 10_000;

/** An answer whose first message is this much after the gap began is suspected to be from a store that started late. */
const LATE_START_TOLERANCE_MS = 1_000;

export interface GapFetch<T> {
  messages: T[];
  /** Store peers asked, in order. */
  peers: string[];
  /** Set when no peer could answer (none connected, or every one failed). */
  error: string | undefined;
  /**
   * Set when no peer that answered was connected through the gap and every answer began later
   * than the gap did (stores that started late): the part before that is not known to be filled.
   */
  uncovered: TimeRange | undefined;
}

export interface GapFetchContext<T extends IDecodedMessage> {
  node: MessageNode;
  decoder: IDecoder<T>;
  pageSize: number;
  peers: Readonly<Record<string, PeerInfo>>;
}

const messageTime = (message: IDecodedMessage): number | undefined => message.timestamp?.getTime();

/**
 * Reads a gap from store: `range` in ≤ 24 h windows (remainder included), forward, from the
 * best-ranked store peer (see `rankStorePeers`). The next peer is asked when one fails, and also
 * when one that was not connected through the gap answers with nothing, or only with messages
 * from later than the gap's start — a restarted node's store begins at its restart — in which
 * case only the part before its first message is asked again.
 *
 * @example
 * const { messages, error } = await fetchGap({ node, decoder, pageSize: 100, peers }, { from, to }, gapStartedAt);
 */
export async function fetchGap<T extends IDecodedMessage>(
  context: GapFetchContext<T>,
  range: TimeRange,
  gapStartedAt: number,
): Promise<GapFetch<T>> {
  const ranked = rankStorePeers(context.peers, gapStartedAt);
  const result: GapFetch<T> = { messages: [], peers: [], error: undefined, uncovered: undefined };
  if (ranked.length === 0) return { ...result, error: "no store peer" };
  let remaining: TimeRange = range;
  const errors: string[] = [];
  let answered = false;
  let covered = false;
  for (const peerId of ranked) {
    result.peers.push(peerId);
    let found: T[];
    try {
      found = await withinMs(readRange(context, remaining, peerId), PEER_TIMEOUT_MS);
    } catch (error) {
      errors.push(`${peerId.slice(-6)}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    answered = true;
    result.messages.push(...found);
    const first = found.map(messageTime).find((time) => time !== undefined);
    // Done with a witness of the whole gap, an answer from its start, or nothing at all for the whole
    // range (a quiet topic) — but nothing for the part before a late answer proves nothing.
    const narrowed = remaining.to !== range.to;
    covered =
      connectedThrough(context.peers[peerId], gapStartedAt) ||
      (first === undefined ? !narrowed : first <= Math.max(remaining.from, gapStartedAt) + LATE_START_TOLERANCE_MS);
    if (covered) break;
    // Possibly a store that started after the gap: ask the next peer for what lies before its first message.
    remaining = { from: remaining.from, to: first ?? remaining.to };
  }
  if (!answered) result.error = `store error (${errors.join("; ")})`;
  else if (!covered) result.uncovered = remaining;
  return result;
}

async function readRange<T extends IDecodedMessage>(context: GapFetchContext<T>, range: TimeRange, peerId: string): Promise<T[]> {
  const found: T[] = [];
  for (const window of storeWindows(range)) {
    found.push(...(await queryStoreWindow(context.node, context.decoder, window, peerId, context.pageSize)));
  }
  return found;
}
