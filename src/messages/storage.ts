/**
 * Where the message layer keeps what must survive a reload: the outbox's messages and each
 * topic's last-seen time. One small async key-value shape with three backends — IndexedDB
 * (through idb-keyval) where it exists, else `localStorage`, else memory — so the callers never
 * care which one they got. Values are plain JSON (bytes travel as base64), so every backend stores
 * exactly the same thing, and whatever comes back is validated by its reader: garbage is ignored,
 * never thrown.
 */
import { createStore, del, entries, get, set, type UseStore } from "idb-keyval";

/** An async key-value store the message layer persists into. Values are JSON-safe. */
export interface MessageStorage {
  /** `"indexeddb" | "localstorage" | "memory"`, or a name of your own. */
  readonly kind: string;
  /** The value under `key`, or `undefined` (also for a value that cannot be read). */
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every entry whose key starts with `prefix`. */
  entries(prefix: string): Promise<[string, unknown][]>;
}

/** The storage a caller asked for: an instance, a backend by name, or `undefined` for the best one available. */
export type MessageStorageOption = MessageStorage | "indexeddb" | "localstorage" | "memory" | undefined;

const DATABASE = "waku-peers";
const OBJECT_STORE = "messages";

/**
 * IndexedDB through idb-keyval (database `waku-peers`, object store `messages`).
 *
 * @example
 * const outbox = createOutbox({ node, manager }, { contentTopic, storage: indexedDbStorage() });
 */
export function indexedDbStorage(): MessageStorage {
  let store: UseStore | undefined;
  // Opened on first use, so creating the storage never touches IndexedDB (server rendering, tests).
  const use = (): UseStore => (store ??= createStore(DATABASE, OBJECT_STORE));
  return {
    kind: "indexeddb",
    get: (key) => get<unknown>(key, use()),
    set: (key, value) => set(key, value, use()),
    delete: (key) => del(key, use()),
    async entries(prefix) {
      const all = await entries<IDBValidKey, unknown>(use());
      return all.filter((entry): entry is [string, unknown] => typeof entry[0] === "string" && entry[0].startsWith(prefix));
    },
  };
}

/** The slice of `localStorage` used here (any object shaped like it will do). */
export interface WebStorageLike {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * `localStorage` (or anything shaped like it), one JSON string per key. A value that does not parse
 * reads as missing.
 *
 * @example
 * const outbox = createOutbox({ node, manager }, { contentTopic, storage: webStorage(sessionStorage) });
 */
export function webStorage(storage: WebStorageLike): MessageStorage {
  return {
    kind: "localstorage",
    async get(key) {
      return parseJson(storage.getItem(key));
    },
    async set(key, value) {
      storage.setItem(key, JSON.stringify(value));
    },
    async delete(key) {
      storage.removeItem(key);
    },
    async entries(prefix) {
      const found: [string, unknown][] = [];
      for (let index = 0; index < storage.length; index++) {
        const key = storage.key(index);
        if (key === null || !key.startsWith(prefix)) continue;
        const parsed = parseJson(storage.getItem(key));
        if (parsed !== undefined) found.push([key, parsed]);
      }
      return found;
    },
  };
}

/**
 * Memory only: nothing survives a reload. Pass one instance to two outboxes (or two runs of an
 * app in a test) to share it.
 *
 * @example
 * const shared = memoryStorage();
 * const first = createOutbox({ node, manager }, { contentTopic, storage: shared });
 */
export function memoryStorage(): MessageStorage {
  const items = new Map<string, string>();
  return {
    kind: "memory",
    async get(key) {
      const text = items.get(key);
      return text === undefined ? undefined : (JSON.parse(text) as unknown);
    },
    async set(key, value) {
      // Stored as JSON, like the other backends: a caller mutating its object later changes nothing here.
      items.set(key, JSON.stringify(value));
    },
    async delete(key) {
      items.delete(key);
    },
    async entries(prefix) {
      const found: [string, unknown][] = [];
      for (const [key, text] of items) if (key.startsWith(prefix)) found.push([key, JSON.parse(text) as unknown]);
      return found;
    },
  };
}

/** The storage to use: the one given, a backend by name, or the best one this environment has. */
export function resolveStorage(option: MessageStorageOption): MessageStorage {
  if (typeof option === "object") return option;
  if (option === "memory") return memoryStorage();
  if (option === "indexeddb" || (option === undefined && hasIndexedDb())) return indexedDbStorage();
  const local = option === "localstorage" || option === undefined ? workingLocalStorage() : undefined;
  return local === undefined ? memoryStorage() : webStorage(local);
}

function hasIndexedDb(): boolean {
  try {
    return typeof globalThis.indexedDB?.open === "function";
  } catch {
    return false;
  }
}

/** `localStorage` when it exists and accepts writes (Safari's private mode and sandboxed frames throw). */
function workingLocalStorage(): WebStorageLike | undefined {
  try {
    const storage = (globalThis as { localStorage?: WebStorageLike }).localStorage;
    if (storage === undefined) return undefined;
    const probe = "waku-peers:probe";
    storage.setItem(probe, "1");
    storage.removeItem(probe);
    return storage;
  } catch {
    return undefined;
  }
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
