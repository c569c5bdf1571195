import type { PeerManager } from "../core/index.js";
import { createListeners } from "../core/lifetime/listeners.js";
import type { MessageWatcher, Outbox } from "../messages/index.js";

/** An outbox or a watcher the message hooks hold, with the content topic it serves. */
export interface ActiveMessagePart<T> {
  readonly contentTopic: string;
  readonly part: T;
}

/**
 * What the message hooks of one peer manager hold right now — outboxes (`useSend`, `useOutbox`)
 * and watchers (`useMessages`, `useMessageListener`) — for tools that show them (the devtools'
 * outbox and back-fill gaps). Reading it creates nothing; one per manager, never module-wide state
 * shared by providers.
 */
export interface MessageActivity {
  outboxes(): readonly ActiveMessagePart<Outbox>[];
  watchers(): readonly ActiveMessagePart<MessageWatcher>[];
  /** Called when an outbox or a watcher comes or goes. Returns an unsubscribe. */
  subscribe(listener: () => void): () => void;
  /** Returns the removal. */
  addOutbox(contentTopic: string, outbox: Outbox): () => void;
  addWatcher(contentTopic: string, watcher: MessageWatcher): () => void;
}

const activities = new WeakMap<PeerManager, MessageActivity>();

/**
 * @example
 * const activity = messageActivityOf(manager);
 * activity.subscribe(() => console.log(activity.outboxes().length, "outboxes"));
 */
export function messageActivityOf(manager: PeerManager): MessageActivity {
  let activity = activities.get(manager);
  if (activity === undefined) {
    activity = createMessageActivity();
    activities.set(manager, activity);
  }
  return activity;
}

function createMessageActivity(): MessageActivity {
  const listeners = createListeners<void>();
  const list = <T>() => {
    let entries: readonly ActiveMessagePart<T>[] = Object.freeze([]);
    return {
      read: () => entries,
      add(contentTopic: string, part: T) {
        const entry = Object.freeze({ contentTopic, part });
        entries = Object.freeze([...entries, entry]);
        listeners.emit();
        return () => {
          if (!entries.includes(entry)) return;
          entries = Object.freeze(entries.filter((candidate) => candidate !== entry));
          listeners.emit();
        };
      },
    };
  };
  const outboxes = list<Outbox>();
  const watchers = list<MessageWatcher>();
  return {
    outboxes: outboxes.read,
    watchers: watchers.read,
    subscribe: listeners.add,
    addOutbox: outboxes.add,
    addWatcher: watchers.add,
  };
}
