/**
 * Entry of a benchmark child process (see ../lib/child.ts): `main.ts <task>`, parameters and
 * answers over IPC. Each task module exports `run(params, io)`.
 */
import "waku-peers-fleet/polyfill";

import { preloadPeerManager } from "../../src/core/index.js";
import type { ChildMessage, ParentMessage } from "../lib/child.js";
import type { ChildIo } from "./io.js";

type Task = { run(params: never, io: ChildIo): Promise<unknown> };

const TASKS: Record<string, () => Promise<Task>> = {
  "event-cost": () => import("./event-cost.js"),
  renders: () => import("./renders.js"),
  "renders-idle": () => import("./renders-idle.js"),
  "leaks-hooks": () => import("./leaks-hooks.js"),
  "leaks-provider": () => import("./leaks-provider.js"),
  "hostile-px": () => import("./hostile-px.js"),
};

const send = (message: ChildMessage): Promise<void> =>
  new Promise((resolve) => {
    if (!process.send) throw new Error("bench/child/main.ts must be started by runChild (it needs an IPC channel)");
    process.send(message, () => resolve());
  });

const pending = new Map<number, (value: unknown) => void>();
let nextCheckpoint = 1;

const io: ChildIo = {
  log: (message) => void send({ type: "log", message }),
  checkpoint<T>(name: string, data?: unknown) {
    const id = nextCheckpoint++;
    return new Promise<T>((resolve) => {
      pending.set(id, resolve as (value: unknown) => void);
      void send({ type: "checkpoint", id, name, data });
    });
  },
};

process.on("message", (raw) => {
  const message = raw as ParentMessage;
  if (message.type === "reply") {
    pending.get(message.id)?.(message.value);
    pending.delete(message.id);
    return;
  }
  void start(message.params);
});

async function start(params: unknown): Promise<void> {
  const name = process.argv[2] ?? "";
  const load = TASKS[name];
  try {
    if (!load) throw new Error(`unknown task "${name}" (known: ${Object.keys(TASKS).join(", ")})`);
    const task = await load();
    // Every default on from the first event: the manager's acting parts are loaded before the task starts.
    await preloadPeerManager();
    const value = await task.run(params as never, io);
    await send({ type: "result", value });
  } catch (error) {
    await send({ type: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
  // Exit even when something keeps the loop alive: the @waku/react baseline leaks running nodes.
  process.exit(0);
}
