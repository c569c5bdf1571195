/**
 * Child-process entry of a fleet node, started by the supervisor with
 * `child_process.fork` (through tsx when running from source). Speaks the protocol in
 * ../ipc.ts: says `loaded` once its code is in, waits for `start`, answers `ready`, then
 * serves `peers`, `set-fault`, `stats` and `stop`. It exits when the IPC channel closes, so a node never outlives its
 * parent, even a SIGKILLed one.
 */
import "../polyfill.js";
import type { ChildMessage, ParentMessage } from "../ipc.js";
import { describeError } from "./request-response.js";
import { type ServiceNode, startServiceNode } from "./service-node.js";

/** How long a graceful stop may take before the process exits regardless. */
const STOP_DEADLINE_MS = 5_000;

let node: ServiceNode | undefined;
let starting: Promise<ServiceNode> | undefined;
let exiting = false;

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || !process.send) {
      resolve();
      return;
    }
    process.send(message, undefined, {}, () => resolve());
  });
}

/** Stops the node (bounded by a deadline) and exits with `code`. */
function exit(code: number): void {
  if (exiting) return;
  exiting = true;
  const deadline = setTimeout(() => process.exit(code), STOP_DEADLINE_MS);
  deadline.unref();
  const stopped = node?.stop() ?? starting?.then((started) => started.stop());
  void Promise.resolve(stopped)
    .catch(() => undefined)
    .finally(() => process.exit(code));
}

async function fail(err: unknown): Promise<void> {
  await send({ type: "error", message: describeError(err) });
  exit(1);
}

async function handle(message: ParentMessage): Promise<void> {
  if (message.type === "start") {
    if (starting) throw new Error("start received twice");
    starting = startServiceNode(message.config);
    node = await starting;
    await send({ type: "ready", ...node.identity });
    return;
  }
  if (message.type === "stop") {
    exit(0);
    return;
  }
  // Anything else may arrive while the node is still starting: it waits for it.
  if (!starting) throw new Error(`"${message.type}" received before "start"`);
  const running = await starting;
  switch (message.type) {
    case "peers":
      running.setPeers(message.peers);
      return;
    case "set-fault":
      running.setFault(message.fault);
      await send({ type: "fault-set", requestId: message.requestId });
      return;
    case "stats":
      await send({ type: "stats", requestId: message.requestId, stats: running.stats() });
      return;
    default: {
      const unknown: never = message;
      throw new Error(`unknown IPC message ${JSON.stringify(unknown)}`);
    }
  }
}

function isParentMessage(value: unknown): value is ParentMessage {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}

if (!process.send) {
  process.stderr.write("fleet/node/main.ts must be started with child_process.fork (it needs an IPC channel)\n");
  process.exit(1);
}

process.on("message", (value: unknown) => {
  if (!isParentMessage(value)) {
    void fail(new Error(`unexpected IPC message: ${JSON.stringify(value)}`));
    return;
  }
  handle(value).catch(fail);
});
process.on("disconnect", () => exit(0));
for (const name of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(name, () => exit(0));
process.on("uncaughtException", (err) => void fail(err));
process.on("unhandledRejection", (reason) => void fail(reason));
// Every import above has been evaluated: the supervisor can tell a slow compile from a slow start.
void send({ type: "loaded" });
