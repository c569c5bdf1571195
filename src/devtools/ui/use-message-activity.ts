"use client";
import { useEffect, useReducer } from "react";

import type { OutboxSnapshot, PeerManager, SyncState } from "../../core/index.js";
import { messageActivityOf } from "../../message-hooks/message-activity.js";

export interface MessageActivityView {
  outboxes: { contentTopic: string; snapshot: OutboxSnapshot }[];
  watchers: { contentTopic: string; sync: SyncState }[];
}

/** The outboxes and watchers the message hooks hold for this manager, re-read whenever any of them changes. */
export function useMessageActivity(manager: PeerManager | undefined): MessageActivityView {
  const activity = manager === undefined ? undefined : messageActivityOf(manager);
  const [, changed] = useReducer((count: number) => count + 1, 0);
  useEffect(() => {
    if (activity === undefined) return;
    let parts: (() => void)[] = [];
    const release = () => {
      for (const unsubscribe of parts.splice(0)) unsubscribe();
    };
    const follow = () => {
      release();
      parts = [
        ...activity.outboxes().map(({ part }) => part.subscribe(changed)),
        ...activity.watchers().map(({ part }) => part.subscribeSync(changed)),
      ];
      changed();
    };
    follow();
    const unsubscribe = activity.subscribe(follow);
    return () => {
      unsubscribe();
      release();
    };
  }, [activity]);
  return {
    outboxes: activity?.outboxes().map(({ contentTopic, part }) => ({ contentTopic, snapshot: part.getSnapshot() })) ?? [],
    watchers: activity?.watchers().map(({ contentTopic, part }) => ({ contentTopic, sync: part.getSync() })) ?? [],
  };
}
