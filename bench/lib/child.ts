/**
 * Some benchmarks run in a child process: the React ones need browser globals (happy-dom) that
 * must not leak into the rows that run real nodes, heap figures need `--expose-gc` and a heap no
 * other row has touched, and the @waku/react baseline leaks nodes on purpose, which only the end
 * of a process reliably cleans up.
 *
 * Protocol (IPC): parent → `start { params }`; child → `log`, `checkpoint { id, name, data }`
 * (the parent answers `reply { id, value }`: e.g. "count what the fleet still sees"), and finally
 * `result { value }` or `error { message }`, then it exits.
 */
import { fork } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

export type ChildMessage =
  | { type: "log"; message: string }
  | { type: "checkpoint"; id: number; name: string; data: unknown }
  | { type: "result"; value: unknown }
  | { type: "error"; message: string };

export type ParentMessage = { type: "start"; params: unknown } | { type: "reply"; id: number; value: unknown };

export interface ChildOptions {
  /** Answers the child's checkpoints. */
  onCheckpoint?: (name: string, data: unknown) => Promise<unknown>;
  /** The child is killed and the run fails after this long. */
  timeoutMs: number;
  /** Extra environment, e.g. NODE_ENV=production for React's production build. */
  env?: Record<string, string>;
  log(message: string): void;
}

const CHILD_ENTRY = fileURLToPath(new URL("../child/main.ts", import.meta.url));

/** Absolute, so the child finds tsx whatever its working directory (as the fleet does). */
function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
}

export function runChild<T>(task: string, params: unknown, options: ChildOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = fork(CHILD_ENTRY, [task], {
      execArgv: ["--expose-gc", "--import", tsxLoader()],
      env: { ...process.env, ...options.env },
      // The child's output is progress, never the table or the JSON: both go to our stderr.
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    child.stdout?.pipe(process.stderr, { end: false });
    child.stderr?.pipe(process.stderr, { end: false });
    let settled = false;
    const settle = (error: Error | undefined, value?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        reject(error);
      } else {
        resolve(value as T);
      }
    };
    const timer = setTimeout(
      () => settle(new Error(`child task ${task} timed out after ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    child.on("message", (raw) => {
      const message = raw as ChildMessage;
      switch (message.type) {
        case "log":
          options.log(message.message);
          break;
        case "checkpoint": {
          const answer = options.onCheckpoint?.(message.name, message.data) ?? Promise.resolve(undefined);
          answer.then(
            (value) => child.send({ type: "reply", id: message.id, value } satisfies ParentMessage),
            (error: unknown) => settle(new Error(`checkpoint ${message.name} failed: ${String(error)}`)),
          );
          break;
        }
        case "result":
          settle(undefined, message.value);
          break;
        case "error":
          settle(new Error(`child task ${task}: ${message.message}`));
          break;
      }
    });
    child.on("error", (error) => settle(error));
    child.on("exit", (code, signal) => {
      settle(new Error(`child task ${task} exited (${signal ?? code}) before reporting a result`));
    });
    child.send({ type: "start", params } satisfies ParentMessage);
  });
}
