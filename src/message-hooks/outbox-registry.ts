import type { PeerManager } from "../core/index.js";
import {
  createOutbox,
  type CreateOutboxOptions,
  type MessageContext,
  type Outbox,
  type OutboxItem,
  type TopicOrEncoder,
} from "../messages/index.js";
import { messageActivityOf } from "./message-activity.js";

/** What `useOutbox()` shows: every outbox the app's hooks hold, together. */
export interface OutboxesSnapshot {
  readonly items: readonly OutboxItem[];
  readonly pending: number;
  readonly canSend: boolean;
}

/**
 * The outboxes of one peer manager, shared by every hook that names the same topic and released
 * when the last of them unmounts (the queue stays in storage). One registry per manager — never a
 * module-level singleton shared by providers.
 */
export interface OutboxRegistry {
  acquire(topic: TopicOrEncoder, options: Omit<CreateOutboxOptions, "contentTopic" | "encoder">): Outbox;
  release(outbox: Outbox): void;
  subscribe(listener: () => void): () => void;
  snapshot(): OutboxesSnapshot;
  find(id: string): OutboxItem | undefined;
}

const registries = new WeakMap<PeerManager, OutboxRegistry>();

export function outboxRegistryOf(context: MessageContext): OutboxRegistry {
  let registry = registries.get(context.manager);
  if (registry === undefined) {
    registry = createOutboxRegistry(context);
    registries.set(context.manager, registry);
  }
  return registry;
}

const EMPTY: OutboxesSnapshot = Object.freeze({ items: Object.freeze([]), pending: 0, canSend: false });

function createOutboxRegistry(context: MessageContext): OutboxRegistry {
  const held = new Map<TopicOrEncoder, { outbox: Outbox; uses: number; unsubscribe: () => void }>();
  const activity = messageActivityOf(context.manager);
  const listeners = new Set<() => void>();
  let cached: OutboxesSnapshot | undefined;
  const changed = (): void => {
    cached = undefined;
    for (const listener of [...listeners]) listener();
  };
  return {
    acquire(topic, options) {
      const existing = held.get(topic);
      if (existing !== undefined) {
        existing.uses++;
        return existing.outbox;
      }
      const outbox = createOutbox(context, {
        ...options,
        ...(typeof topic === "string" ? { contentTopic: topic } : { encoder: topic }),
      });
      const unlist = activity.addOutbox(typeof topic === "string" ? topic : topic.contentTopic, outbox);
      const unsubscribe = outbox.subscribe(changed);
      const release = () => {
        unsubscribe();
        unlist();
      };
      held.set(topic, { outbox, uses: 1, unsubscribe: release });
      changed();
      return outbox;
    },
    release(outbox) {
      for (const [topic, entry] of held) {
        if (entry.outbox !== outbox || --entry.uses > 0) continue;
        held.delete(topic);
        entry.unsubscribe();
        outbox.stop();
        changed();
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    snapshot() {
      if (held.size === 0) return EMPTY;
      if (cached === undefined) {
        const snapshots = [...held.values()].map((entry) => entry.outbox.getSnapshot());
        cached = Object.freeze({
          items: Object.freeze(snapshots.flatMap((snapshot) => snapshot.items).sort((a, b) => a.createdAt - b.createdAt)),
          pending: snapshots.reduce((sum, snapshot) => sum + snapshot.pending, 0),
          canSend: snapshots.some((snapshot) => snapshot.canSend),
        });
      }
      return cached;
    },
    find(id) {
      for (const entry of held.values()) {
        const item = entry.outbox.get(id);
        if (item !== undefined) return item;
      }
      return undefined;
    },
  };
}
