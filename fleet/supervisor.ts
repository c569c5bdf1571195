/**
 * The fleet supervisor: one child process per service node (fleet/node/main), driven over the
 * IPC contract in ./ipc.ts.
 *
 * Children die with this process in every case we can arrange:
 * - `close()` SIGKILLs them and waits for their exit;
 * - on `exit` (normal end, `process.exit`, uncaught exception) a handler SIGKILLs them synchronously;
 * - on SIGINT/SIGTERM/SIGHUP with nobody else listening, the same, then the signal is re-raised;
 * - when this process is SIGKILLed, a running child sees its IPC channel close and exits;
 * - a frozen (SIGSTOPped) child cannot notice anything, so a tiny watchdog process holds the read
 *   end of a pipe from us; when we die the OS closes the pipe and the watchdog SIGKILLs every child
 *   it was told about (SIGKILL also ends stopped processes).
 * Not covered: the watchdog alone being killed first (by someone who picked its pid), then this
 * process being SIGKILLed while a node is frozen: that node stays stopped until someone kills it. (A
 * `kill -9 -<pgid>` reaches the nodes directly: they share our process group.) The watchdog knows
 * pids only; a pid reused in the instant between a node's exit and the unwatch line is a theoretical
 * risk we accept.
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, loadavg } from "node:os";
import { extname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ChildMessage, FleetPeer, ParentMessage } from "./ipc.js";
import { generateNodeKey, peerIdOfKey } from "./keys.js";
import { LIMIT_RANGES } from "./node/limits.js";
import { parseFault } from "./parse-fault.js";
import {
  ALL_SERVED_PROTOCOLS,
  type Fault,
  type Fleet,
  type FleetNodeInfo,
  type FleetOperationOptions,
  type FleetOptions,
  type NodeConfig,
  type NodeIdentity,
  type NodeLimits,
  type NodeState,
  type NodeStats,
} from "./types.js";

/**
 * - `ABORTED`: a lifecycle operation's signal was aborted before it started; it did not run.
 * - `BUSY`: the node already has MAX_PENDING_OPERATIONS_PER_NODE operations pending; retry later.
 */
export type FleetErrorCode =
  | "INVALID_OPTIONS"
  | "NO_SUCH_NODE"
  | "NOT_RUNNING"
  | "START_FAILED"
  | "TIMEOUT"
  | "CLOSED"
  | "ABORTED"
  | "BUSY";

/** Every error the supervisor throws on purpose; `code` lets callers (the control API) map it. */
export class FleetError extends Error {
  readonly code: FleetErrorCode;
  constructor(code: FleetErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "FleetError";
    this.code = code;
  }
}

/** Knobs for tests and tooling; not part of the public fleet options. */
export interface SupervisorInternals {
  /** Child entry module. Default: ./node/main.ts next to this file (./node/main.js when built). */
  entry?: URL;
  /** How long a graceful stop may take before SIGKILL. Default 5 000 ms. */
  stopTimeoutMs?: number;
  /** How long `stats` / `setFault` wait for the child's answer. Default 10 000 ms. */
  requestTimeoutMs?: number;
  /** Environment of the node processes. Default: this process's. */
  env?: NodeJS.ProcessEnv;
}

const DEFAULTS = {
  nodes: 3,
  bootstrap: 1,
  clusterId: 42,
  numShardsInCluster: 8,
  readyTimeoutMs: 60_000,
  filterSubscriptionTtlMs: 300_000,
  stopTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
} as const;

/** Child output kept for error messages (bytes). */
const OUTPUT_TAIL_BYTES = 8_192;

/**
 * Lifecycle operations one node may have pending (the running one included). Each can take
 * seconds (a restart compiles and starts a process), so a longer queue only means a caller
 * waiting a minute for work nobody may want any more.
 */
export const MAX_PENDING_OPERATIONS_PER_NODE = 5;

/** The longest ready timeout accepted (10 min). */
export const MAX_READY_TIMEOUT_MS = 600_000;

export async function startFleet(options: FleetOptions = {}, internals: SupervisorInternals = {}): Promise<Fleet> {
  const configs = await buildConfigs(options);
  const supervisor = new Supervisor(configs, options.readyTimeoutMs ?? DEFAULTS.readyTimeoutMs, internals);
  await supervisor.startAll();
  const fleet = supervisor.api(options);
  supervisors.set(fleet, supervisor);
  return fleet;
}

export interface FleetProcessIds {
  /** By node index; undefined while a node has no live process. */
  nodes: (number | undefined)[];
  /** The watchdog process (see the top of this file), if one is running. */
  watchdog: number | undefined;
}

/** Operating-system process ids behind a fleet, for diagnostics and tests. */
export function fleetProcessIds(fleet: Fleet): FleetProcessIds {
  const supervisor = supervisors.get(fleet);
  if (!supervisor) throw new FleetError("INVALID_OPTIONS", "not a fleet started by startFleet");
  return supervisor.processIds();
}

const supervisors = new WeakMap<Fleet, Supervisor>();

async function buildConfigs(options: FleetOptions): Promise<NodeConfig[]> {
  const nodes = options.nodes ?? DEFAULTS.nodes;
  const bootstrap = options.bootstrap ?? DEFAULTS.bootstrap;
  const clusterId = options.clusterId ?? DEFAULTS.clusterId;
  const numShardsInCluster = options.numShardsInCluster ?? DEFAULTS.numShardsInCluster;
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULTS.readyTimeoutMs;
  requireInteger("nodes", nodes, 1, 64);
  requireInteger("bootstrap", bootstrap, 0, nodes);
  requireInteger("clusterId", clusterId, 0, 65_535);
  requireInteger("numShardsInCluster", numShardsInCluster, 1, 1_023);
  requireInteger("readyTimeoutMs", readyTimeoutMs, 1, MAX_READY_TIMEOUT_MS);
  requireLimits("limits", options.limits);
  for (const [key, override] of Object.entries(options.overrides ?? {})) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || index >= nodes) {
      throw new FleetError("INVALID_OPTIONS", `overrides: no node ${key} in a fleet of ${nodes}`);
    }
    requireLimits(`overrides[${key}].limits`, override.limits);
  }
  const keys = await Promise.all(Array.from({ length: nodes }, () => generateNodeKey()));
  return keys.map((key, index): NodeConfig => {
    const override = options.overrides?.[index] ?? {};
    return {
      index,
      role: override.role ?? (index < bootstrap ? "bootstrap" : "service"),
      clusterId,
      numShardsInCluster,
      shards: [...(override.shards ?? Array.from({ length: numShardsInCluster }, (_, shard) => shard))],
      protocols: [...(override.protocols ?? ALL_SERVED_PROTOCOLS)],
      port: 0,
      privateKeyHex: key.privateKeyHex,
      filterSubscriptionTtlMs: override.filterSubscriptionTtlMs ?? DEFAULTS.filterSubscriptionTtlMs,
      fault: override.fault ? requireFault(`overrides[${index}].fault`, override.fault) : {},
      limits: { ...options.limits, ...override.limits },
    };
  });
}

function requireLimits(name: string, limits: Partial<NodeLimits> | undefined): void {
  for (const [key, value] of Object.entries(limits ?? {})) {
    const range = LIMIT_RANGES[key as keyof NodeLimits] as readonly [number, number] | undefined;
    if (!range) throw new FleetError("INVALID_OPTIONS", `${name}: unknown limit ${JSON.stringify(key)}`);
    requireInteger(`${name}.${key}`, value as number, range[0], range[1]);
  }
}

/** The fault, validated and copied; a FleetError naming `name` otherwise. */
function requireFault(name: string, fault: Fault): Fault {
  const parsed = parseFault(fault);
  if (typeof parsed === "string") throw new FleetError("INVALID_OPTIONS", `${name}: ${parsed}`);
  return parsed;
}

function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new FleetError("INVALID_OPTIONS", `${name} must be an integer in ${min}..${max}, got ${String(value)}`);
  }
}

interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface PendingRequest {
  resolve: (message: ChildMessage) => void;
  reject: (error: Error) => void;
}

/** One forked child, from fork to exit. */
interface ChildHandle {
  process: ChildProcess;
  pid: number;
  alive: boolean;
  /** Resolves on `exit` (the process is gone and reaped). */
  exited: Promise<ExitInfo>;
  /** Resolves on `close` (exited and its stdout/stderr drained): use it before quoting output. */
  closed: Promise<void>;
  output: string;
  pending: Map<number, PendingRequest>;
}

interface Slot {
  config: NodeConfig;
  identity: NodeIdentity;
  state: NodeState;
  child: ChildHandle | undefined;
  /** The state to record when the current child exits, set before we make it exit; unset = a crash. */
  exitAs: "killed" | "stopped" | undefined;
  /** Settles when the current start attempt settles. */
  starting: Promise<void> | undefined;
  /** Lifecycle operations on one node run one after another. */
  queue: Promise<unknown>;
  /** Operations queued or running on this node. */
  pending: number;
}

class Supervisor {
  private readonly slots: Slot[];
  private readonly entryPath: string;
  private readonly execArgv: string[];
  private readonly stopTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly env: NodeJS.ProcessEnv;
  private readonly watchdog = new Watchdog();
  private nextRequestId = 1;
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(
    configs: NodeConfig[],
    private readonly readyTimeoutMs: number,
    internals: SupervisorInternals,
  ) {
    this.slots = configs.map((config) => ({
      config,
      identity: { peerId: peerIdOfKey(config.privateKeyHex), multiaddr: "", enr: "", port: 0 },
      state: "stopped",
      child: undefined,
      exitAs: undefined,
      starting: undefined,
      queue: Promise.resolve(),
      pending: 0,
    }));
    const entry = internals.entry ?? defaultEntry();
    this.entryPath = fileURLToPath(entry);
    this.execArgv = this.entryPath.endsWith(".ts") ? ["--import", tsxLoader()] : [];
    this.stopTimeoutMs = internals.stopTimeoutMs ?? DEFAULTS.stopTimeoutMs;
    this.requestTimeoutMs = internals.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
    this.env = internals.env ?? process.env;
    liveSupervisors.add(this);
    installProcessHandlers();
  }

  async startAll(): Promise<void> {
    let firstFailure: { reason: unknown } | undefined;
    const launches = this.slots.map((slot) =>
      this.launch(slot).catch((reason: unknown) => {
        // The first failure ends the others at once instead of waiting for their ready timeout.
        if (!firstFailure) {
          firstFailure = { reason };
          void this.close();
        }
      }),
    );
    await Promise.all(launches);
    if (firstFailure) {
      await this.close();
      throw firstFailure.reason;
    }
    this.broadcastPeers();
  }

  api(options: FleetOptions): Fleet {
    const clusterId = options.clusterId ?? DEFAULTS.clusterId;
    const numShardsInCluster = options.numShardsInCluster ?? DEFAULTS.numShardsInCluster;
    const supervisor = this;
    return {
      get nodes() {
        return supervisor.nodes();
      },
      clusterId,
      numShardsInCluster,
      kill: (index, options) => this.enqueue(index, options, (slot) => this.kill(slot)),
      stop: (index, options) => this.enqueue(index, options, (slot) => this.stop(slot)),
      freeze: (index, options) => this.enqueue(index, options, (slot) => this.freeze(slot)),
      thaw: (index, options) => this.enqueue(index, options, (slot) => this.thaw(slot)),
      restart: (index, options) => this.enqueue(index, options, (slot) => this.restart(slot)),
      setFault: async (index, fault) => this.setFault(this.slot(index), fault),
      stats: async (index) => this.stats(this.slot(index)),
      close: () => this.close(),
    };
  }

  nodes(): FleetNodeInfo[] {
    return this.slots.map((slot) => ({
      ...slot.identity,
      index: slot.config.index,
      role: slot.config.role,
      state: slot.state,
      protocols: [...slot.config.protocols],
      fault: { ...slot.config.fault },
    }));
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      const exits: Promise<unknown>[] = [];
      for (const slot of this.slots) {
        const child = slot.child;
        if (!child?.alive) continue;
        slot.exitAs = "killed";
        signal(child, "SIGKILL");
        exits.push(child.exited);
      }
      await Promise.all(exits);
      await this.watchdog.close();
      liveSupervisors.delete(this);
      uninstallProcessHandlersIfIdle();
    })();
    return this.closing;
  }

  processIds(): FleetProcessIds {
    return {
      nodes: this.slots.map((slot) => (slot.child?.alive ? slot.child.pid : undefined)),
      watchdog: this.watchdog.pid(),
    };
  }

  /** For the process-exit safety net: no awaiting possible there. */
  killAllSync(): void {
    for (const slot of this.slots) {
      if (slot.child?.alive) signal(slot.child, "SIGKILL");
    }
  }

  private slot(index: number): Slot {
    const slot = Number.isInteger(index) ? this.slots[index] : undefined;
    if (!slot) throw new FleetError("NO_SUCH_NODE", `no fleet node ${String(index)} (fleet has ${this.slots.length})`);
    return slot;
  }

  /**
   * Runs `operation` after the node's earlier ones. Refused at once (BUSY) when too many are
   * pending; dropped (ABORTED) if its signal aborts before its turn comes.
   */
  private enqueue(
    index: number,
    options: FleetOperationOptions | undefined,
    operation: (slot: Slot) => Promise<void>,
  ): Promise<void> {
    let slot: Slot;
    try {
      slot = this.slot(index);
      this.assertOpen();
      throwIfAborted(options?.signal, index);
      if (slot.pending >= MAX_PENDING_OPERATIONS_PER_NODE) {
        throw new FleetError(
          "BUSY",
          `fleet node ${index} already has ${slot.pending} operations pending ` +
            `(at most ${MAX_PENDING_OPERATIONS_PER_NODE}); retry once they are done`,
        );
      }
    } catch (error) {
      return Promise.reject(error);
    }
    slot.pending++;
    const turn = () => {
      throwIfAborted(options?.signal, index);
      return operation(slot);
    };
    const run = slot.queue.then(turn, turn).finally(() => slot.pending--);
    slot.queue = run.catch(() => undefined);
    return run;
  }

  private assertOpen(): void {
    if (this.closed) throw new FleetError("CLOSED", "the fleet is closed");
  }

  private async kill(slot: Slot): Promise<void> {
    const child = slot.child;
    if (!child?.alive) return;
    slot.exitAs = "killed";
    signal(child, "SIGKILL");
    await child.exited;
  }

  private async stop(slot: Slot): Promise<void> {
    const child = slot.child;
    if (!child?.alive) return;
    slot.exitAs = "stopped";
    if (slot.state === "frozen") signal(child, "SIGCONT");
    send(child, { type: "stop" });
    const timer = setTimeout(() => signal(child, "SIGKILL"), this.stopTimeoutMs);
    try {
      await child.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private async freeze(slot: Slot): Promise<void> {
    if (slot.state === "frozen") return;
    const child = this.requireRunning(slot);
    signal(child, "SIGSTOP");
    slot.state = "frozen";
    this.watchdog.watch(child.pid);
    await stopStateReached(child, true);
  }

  private async thaw(slot: Slot): Promise<void> {
    if (slot.state === "running") return;
    const child = this.requireLive(slot);
    signal(child, "SIGCONT");
    slot.state = "running";
    await stopStateReached(child, false);
  }

  private async restart(slot: Slot): Promise<void> {
    const child = slot.child;
    if (child?.alive) {
      slot.exitAs = "killed";
      if (slot.state === "frozen") signal(child, "SIGCONT");
      signal(child, "SIGKILL");
      await child.exited;
    }
    await this.launch(slot);
    this.broadcastPeers();
  }

  private async setFault(slot: Slot, fault: Fault): Promise<void> {
    this.assertOpen();
    const copy = requireFault("setFault", fault);
    await slot.starting?.catch(() => undefined);
    if (slot.child?.alive) {
      const child = this.requireRunning(slot);
      await this.request(slot, child, { type: "set-fault", fault: copy, requestId: this.nextRequestId++ }, "fault-set");
    }
    // Kept in the config, so a restarted node comes back with the same fault.
    slot.config.fault = copy;
  }

  private async stats(slot: Slot): Promise<NodeStats> {
    this.assertOpen();
    await slot.starting?.catch(() => undefined);
    const child = this.requireRunning(slot);
    const reply = await this.request(slot, child, { type: "stats", requestId: this.nextRequestId++ }, "stats");
    if (reply.type !== "stats") throw new Error("unreachable");
    return reply.stats;
  }

  private requireLive(slot: Slot): ChildHandle {
    const child = slot.child;
    if (!child?.alive || slot.state === "starting") {
      throw new FleetError("NOT_RUNNING", `fleet node ${slot.config.index} is ${slot.state}`);
    }
    return child;
  }

  private requireRunning(slot: Slot): ChildHandle {
    const child = this.requireLive(slot);
    if (slot.state !== "running") {
      throw new FleetError("NOT_RUNNING", `fleet node ${slot.config.index} is ${slot.state}`);
    }
    return child;
  }

  private request(
    slot: Slot,
    child: ChildHandle,
    message: Extract<ParentMessage, { requestId: number }>,
    replyType: "fault-set" | "stats",
  ): Promise<ChildMessage> {
    const { requestId } = message;
    return new Promise<ChildMessage>((resolve, reject) => {
      const cancelDeadline = startDeadline(this.requestTimeoutMs, () => {
        child.pending.delete(requestId);
        reject(
          new FleetError(
            "TIMEOUT",
            `fleet node ${slot.config.index} did not answer ${message.type} within ${this.requestTimeoutMs} ms`,
          ),
        );
      });
      child.pending.set(requestId, {
        resolve: (reply) => {
          cancelDeadline();
          if (reply.type === replyType) resolve(reply);
          else reject(new Error(`fleet node ${slot.config.index} answered ${message.type} with ${reply.type}`));
        },
        reject: (error) => {
          cancelDeadline();
          reject(error);
        },
      });
      send(child, message);
    });
  }

  /** Forks the node and resolves once it reported `ready`; on failure nothing is left running. */
  private launch(slot: Slot): Promise<void> {
    const attempt = this.launchOnce(slot);
    slot.starting = attempt;
    return attempt;
  }

  private async launchOnce(slot: Slot): Promise<void> {
    this.assertOpen();
    const index = slot.config.index;
    const child = this.forkChild(slot);
    slot.child = child;
    slot.state = "starting";
    slot.exitAs = undefined;
    this.watchdog.watch(child.pid);

    const forkedAt = performance.now();
    let loadedAt: number | undefined;
    let cancelDeadline: () => void = () => {};
    const ready = new Promise<NodeIdentity>((resolve, reject) => {
      const onMessage = (message: ChildMessage) => {
        if (message.type === "loaded") loadedAt = performance.now();
        else if (message.type === "ready") resolve(identityOf(message));
        else if (message.type === "error") reject(new Error(message.message));
      };
      child.process.on("message", onMessage);
      child.process.once("error", reject);
      void child.exited.then(({ code, signal: exitSignal }) =>
        reject(new Error(`the process exited (${exitSignal ?? `code ${String(code)}`}) before it was ready`)),
      );
      cancelDeadline = startDeadline(this.readyTimeoutMs, () =>
        reject(new Error(readyTimeoutMessage(this.readyTimeoutMs, loadedAt === undefined ? undefined : loadedAt - forkedAt))),
      );
      send(child, { type: "start", config: structuredClone(slot.config) });
    }).finally(() => cancelDeadline());

    try {
      const identity = await ready;
      if (!child.alive) throw new Error("the process exited right after it was ready");
      slot.identity = identity;
      slot.config.port = identity.port;
      slot.state = "running";
    } catch (error) {
      slot.exitAs = "killed";
      if (child.alive) signal(child, "SIGKILL");
      await child.closed;
      const reason = error instanceof Error ? error.message : String(error);
      const output = child.output.trim();
      throw new FleetError(
        this.closed ? "CLOSED" : "START_FAILED",
        `fleet node ${index} failed to start: ${reason}${output ? `\n--- node ${index} output ---\n${output}` : ""}`,
        { cause: error },
      );
    }
  }

  private forkChild(slot: Slot): ChildHandle {
    const index = slot.config.index;
    const process_ = fork(this.entryPath, [], {
      execArgv: this.execArgv,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "json",
      env: this.env,
    });
    if (process_.pid === undefined) {
      // fork could not even create the process; `error` follows on the next tick.
      process_.on("error", () => undefined);
      throw new FleetError("START_FAILED", `fleet node ${index} failed to start: could not fork ${this.entryPath}`);
    }
    const forward = process.env.WAKU_FLEET_LOG ? `[fleet ${index}] ` : undefined;
    let exitResolve!: (info: ExitInfo) => void;
    let closeResolve!: () => void;
    const child: ChildHandle = {
      process: process_,
      pid: process_.pid,
      alive: true,
      exited: new Promise((resolve) => (exitResolve = resolve)),
      closed: new Promise((resolve) => (closeResolve = resolve)),
      output: "",
      pending: new Map(),
    };
    const collect = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      child.output = (child.output + text).slice(-OUTPUT_TAIL_BYTES);
      if (forward) process.stderr.write(text.replace(/^(?=.)/gm, forward));
    };
    process_.stdout?.on("data", collect);
    process_.stderr?.on("data", collect);
    process_.on("error", (error) => {
      child.output = `${child.output}\n${error.message}`.slice(-OUTPUT_TAIL_BYTES);
    });
    process_.on("message", (message: ChildMessage) => {
      if (message.type !== "fault-set" && message.type !== "stats") return;
      const pending = child.pending.get(message.requestId);
      child.pending.delete(message.requestId);
      pending?.resolve(message);
    });
    process_.once("exit", (code, exitSignal) => {
      child.alive = false;
      this.watchdog.unwatch(child.pid);
      for (const pending of child.pending.values()) {
        pending.reject(new FleetError("NOT_RUNNING", `fleet node ${index} exited`));
      }
      child.pending.clear();
      if (slot.child === child) {
        // A start failure is reported by launch(); anything else we did not ask for is a crash.
        const crashed = slot.state !== "starting" && slot.exitAs === undefined && !this.closed;
        slot.state = slot.state === "starting" ? "killed" : (slot.exitAs ?? "killed");
        if (crashed) {
          void child.closed.then(() => {
            const tail = child.output.trim().split("\n").slice(-20).join("\n");
            process.stderr.write(
              `[fleet] node ${index} exited on its own (${exitSignal ?? `code ${String(code)}`})` +
                (tail ? `; its last output:\n${tail}\n` : "\n"),
            );
          });
        }
      }
      exitResolve({ code, signal: exitSignal });
    });
    process_.once("close", () => closeResolve());
    return child;
  }

  private broadcastPeers(): void {
    const known = this.slots.filter((slot) => slot.identity.multiaddr !== "");
    for (const slot of this.slots) {
      const child = slot.child;
      if (!child?.alive || (slot.state !== "running" && slot.state !== "frozen")) continue;
      const peers: FleetPeer[] = known
        .filter((other) => other !== slot)
        .map(({ identity }) => ({ peerId: identity.peerId, multiaddr: identity.multiaddr, enr: identity.enr }));
      send(child, { type: "peers", peers });
    }
  }
}

/**
 * Says how far the node got, how loaded the machine is, and how to give it longer — the
 * usual cause is a busy machine, not a broken node.
 */
function readyTimeoutMessage(timeoutMs: number, loadedAfterMs: number | undefined): string {
  const stage =
    loadedAfterMs === undefined
      ? "its code had not even finished loading"
      : `its code loaded after ${Math.round(loadedAfterMs)} ms, then it did not start listening`;
  const load = `load average ${loadavg()[0]?.toFixed(1) ?? "?"} on ${availableParallelism()} cores`;
  const suggested = Math.min(Math.max(timeoutMs * 2, 60_000), MAX_READY_TIMEOUT_MS);
  return (
    `no ready message within ${timeoutMs} ms (${stage}; ${load}). ` +
    `On a busy machine give it longer: startFleet({ readyTimeoutMs: ${suggested} }) ` +
    `or npm run fleet -- --ready-timeout ${suggested}`
  );
}

function identityOf(message: Extract<ChildMessage, { type: "ready" }>): NodeIdentity {
  return { peerId: message.peerId, multiaddr: message.multiaddr, enr: message.enr, port: message.port };
}

function send(child: ChildHandle, message: ParentMessage): void {
  if (!child.alive || !child.process.connected) return;
  // A channel that closes between the check and the write reports through the callback.
  child.process.send(message, (error) => void error);
}

/**
 * A deadline for a child's answer. When it passes, the verdict waits one more turn of the
 * event loop: if this process was itself stalled past the deadline (a busy test, a loaded
 * machine), an answer that arrived meanwhile is read first (I/O is polled before immediates
 * run) instead of being blamed on the node. Returns the cancel function.
 */
function startDeadline(ms: number, onExpired: () => void): () => void {
  let immediate: NodeJS.Immediate | undefined;
  const timer = setTimeout(() => {
    immediate = setImmediate(onExpired);
  }, ms);
  return () => {
    clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
  };
}

function throwIfAborted(signal: AbortSignal | undefined, index: number): void {
  if (signal?.aborted) {
    throw new FleetError(
      "ABORTED",
      `operation on fleet node ${index} dropped before it started: ${describeReason(signal.reason)}`,
      {
        cause: signal.reason,
      },
    );
  }
}

function describeReason(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

function signal(child: ChildHandle, name: NodeJS.Signals): void {
  try {
    process.kill(child.pid, name);
  } catch {
    // Already gone (ESRCH): the exit event is on its way.
  }
}

/**
 * A signal to another process is delivered asynchronously: a busy process on another core may
 * run on for a moment after SIGSTOP. Nothing reports the change, so /proc is polled (Linux; a
 * no-op elsewhere), briefly and with a bound, so `freeze()` means "frozen" when it resolves.
 */
async function stopStateReached(child: ChildHandle, stopped: boolean): Promise<void> {
  const deadline = performance.now() + 2_000;
  while (child.alive && performance.now() < deadline) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
    } catch {
      return;
    }
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    if ((state === "T") === stopped) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function defaultEntry(): URL {
  const ext = extname(fileURLToPath(import.meta.url)) || ".js";
  return new URL(`./node/main${ext}`, import.meta.url);
}

/** Absolute loader URL, so children find tsx whatever their working directory. */
function tsxLoader(): string {
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  } catch {
    return "tsx";
  }
}

/**
 * A separate process that SIGKILLs the children it was told about when our end of its stdin pipe
 * closes — which the OS does even when we are SIGKILLed. It ignores terminal signals so a Ctrl-C
 * to the process group cannot take it down before it did its job.
 */
const WATCHDOG_SOURCE = `
process.title = "waku-fleet-watchdog";
const pids = new Set();
for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(s, () => {});
let buffer = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  buffer += chunk;
  let end;
  while ((end = buffer.indexOf("\\n")) >= 0) {
    const line = buffer.slice(0, end);
    buffer = buffer.slice(end + 1);
    const pid = Number(line.slice(1));
    if (line[0] === "+") pids.add(pid); else pids.delete(pid);
  }
});
const finish = () => {
  for (const pid of pids) { try { process.kill(pid, "SIGKILL"); } catch {} }
  process.exit(0);
};
process.stdin.on("end", finish);
process.stdin.on("error", finish);
`;

class Watchdog {
  private process: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private running = false;

  pid(): number | undefined {
    return this.running ? this.process?.pid : undefined;
  }

  watch(pid: number): void {
    this.write(`+${pid}\n`);
  }

  unwatch(pid: number): void {
    if (this.process) this.write(`-${pid}\n`);
  }

  async close(): Promise<void> {
    if (!this.process) return;
    // Held again while we wait for it, or an otherwise idle process would exit mid-close.
    this.process.ref();
    this.process.stdin?.end();
    await this.exited;
  }

  private write(line: string): void {
    this.start().stdin?.write(line);
  }

  private start(): ChildProcess {
    if (this.process) return this.process;
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const watchdog = spawn(process.execPath, ["-e", WATCHDOG_SOURCE], { stdio: ["pipe", "ignore", "ignore"], env });
    this.running = true;
    this.exited = new Promise((resolve) =>
      watchdog.once("exit", () => {
        this.running = false;
        resolve();
      }),
    );
    watchdog.on("error", () => undefined);
    watchdog.stdin?.on("error", () => undefined);
    // The watchdog must never keep this process alive.
    watchdog.unref();
    (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    this.process = watchdog;
    return watchdog;
  }
}

// Process-wide safety net. The handlers are process-level by nature, so the set of live
// supervisors they serve is too; it is empty (and the handlers removed) when every fleet is closed.
const liveSupervisors = new Set<Supervisor>();
const FORWARDED_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
let handlersInstalled = false;

function killEverythingSync(): void {
  for (const supervisor of liveSupervisors) supervisor.killAllSync();
}

function onSignal(name: NodeJS.Signals): void {
  // Someone else handles this signal (a CLI, a test runner): they decide when to close; the
  // `exit` handler still catches whatever is left when the process ends.
  if (process.listenerCount(name) > 1) return;
  killEverythingSync();
  uninstallProcessHandlers();
  process.kill(process.pid, name);
}

function installProcessHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", killEverythingSync);
  for (const name of FORWARDED_SIGNALS) process.on(name, onSignal);
}

function uninstallProcessHandlers(): void {
  if (!handlersInstalled) return;
  handlersInstalled = false;
  process.off("exit", killEverythingSync);
  for (const name of FORWARDED_SIGNALS) process.off(name, onSignal);
}

function uninstallProcessHandlersIfIdle(): void {
  if (liveSupervisors.size === 0) uninstallProcessHandlers();
}
