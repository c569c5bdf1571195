/**
 * What a topic's watcher remembers across app starts: the newest message time it delivered and
 * the hashes delivered near it, so the start-up back-fill (which re-reads an overlap before that
 * time) repeats nothing the app already had. Validated on load; anything else is ignored.
 */
import type { MessageStorage } from "./storage.js";

export interface TopicMemory {
  /** Timestamp (epoch ms) of the newest message delivered. */
  lastSeenAt: number | undefined;
  /** Hashes of the messages delivered within the overlap before `lastSeenAt`. */
  recentHashes: string[];
}

const FORMAT_VERSION = 1;
/** Bounds what one topic keeps, whatever the message rate. */
export const MAX_REMEMBERED_HASHES = 2_000;

export const EMPTY_TOPIC_MEMORY: TopicMemory = Object.freeze({ lastSeenAt: undefined, recentHashes: [] }) as TopicMemory;

export function topicMemoryKey(pubsubTopic: string, contentTopic: string): string {
  return `waku-peers:messages:v${FORMAT_VERSION}:${pubsubTopic}|${contentTopic}`;
}

/** The remembered state, or nothing remembered when the stored value is missing, broken or unreadable. */
export async function loadTopicMemory(storage: MessageStorage, key: string): Promise<TopicMemory> {
  let stored: unknown;
  try {
    stored = await storage.get(key);
  } catch {
    return EMPTY_TOPIC_MEMORY;
  }
  return parseTopicMemory(stored);
}

export function parseTopicMemory(stored: unknown): TopicMemory {
  if (typeof stored !== "object" || stored === null) return EMPTY_TOPIC_MEMORY;
  const { v, lastSeenAt, recentHashes } = stored as Record<string, unknown>;
  if (v !== FORMAT_VERSION || !isEpochMs(lastSeenAt) || !Array.isArray(recentHashes)) return EMPTY_TOPIC_MEMORY;
  const hashes = recentHashes.filter((hash): hash is string => typeof hash === "string" && /^[0-9a-f]{64}$/.test(hash));
  return { lastSeenAt, recentHashes: hashes.slice(-MAX_REMEMBERED_HASHES) };
}

/** Never rejects: a failing storage costs the next start some repeats, nothing else. */
export async function saveTopicMemory(storage: MessageStorage, key: string, memory: TopicMemory): Promise<boolean> {
  try {
    await storage.set(key, {
      v: FORMAT_VERSION,
      lastSeenAt: memory.lastSeenAt,
      recentHashes: memory.recentHashes.slice(-MAX_REMEMBERED_HASHES),
    });
    return true;
  } catch {
    return false;
  }
}

function isEpochMs(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 && value < 1e14;
}
