"use client";
import { useEffect, useState } from "react";

import type { CreateOutboxOptions, Outbox, TopicOrEncoder } from "../messages/index.js";
import type { MessageContext } from "../messages/index.js";
import { outboxRegistryOf } from "./outbox-registry.js";

/** The shared outbox of `topic` for as long as the component is mounted (options read when it is first created). */
export function useOutboxInstance(
  context: MessageContext | undefined,
  topic: TopicOrEncoder | undefined,
  options: Omit<CreateOutboxOptions, "contentTopic" | "encoder">,
): Outbox | undefined {
  const [outbox, setOutbox] = useState<Outbox | undefined>(undefined);
  // biome-ignore lint/correctness/useExhaustiveDependencies: options are read when the outbox is first created (documented)
  useEffect(() => {
    if (context === undefined || topic === undefined) return;
    const registry = outboxRegistryOf(context);
    const acquired = registry.acquire(topic, options);
    setOutbox(acquired);
    return () => {
      setOutbox(undefined);
      registry.release(acquired);
    };
  }, [context, topic]);
  return outbox;
}
