// Process helpers for the fleet tests (Linux: reads /proc).
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/** `--import` argument that runs TypeScript entry points in a plain `node` child. */
export const TSX_IMPORT = ["--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href];

/** One-letter process state from /proc (R, S, T = stopped, Z = zombie…), undefined if gone. */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
  } catch {
    return undefined;
  }
}

/**
 * Alive = `kill(pid, 0)` succeeds and the process is not a zombie. (An orphan whose parent was
 * SIGKILLed is reparented to PID 1, which may reap it late; a zombie runs nothing.)
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
  return processState(pid) !== "Z";
}

/** Every process below `root` (children, grandchildren…), from /proc. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Exited while we looked.
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
  } catch {
    return "";
  }
}

/**
 * Polls until every pid is gone; resolves with the time it took, rejects naming the survivors.
 * Polling is the only way to watch processes that are not our children.
 */
export async function waitUntilGone(pids: readonly number[], timeoutMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const alive = pids.filter(isAlive);
    if (alive.length === 0) return performance.now() - started;
    if (performance.now() - started > timeoutMs) {
      throw new Error(`still alive after ${timeoutMs} ms: ${alive.map((pid) => `${pid} (${commandLine(pid)})`).join(", ")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Kills leftovers so a failing test cannot leak processes into the next one. */
export function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
}

/** A child's output, line by line. */
export function readLines(stream: NodeJS.ReadableStream): AsyncGenerator<string> {
  return (async function* () {
    let buffer = "";
    for await (const chunk of stream) {
      buffer += chunk.toString();
      for (let end = buffer.indexOf("\n"); end >= 0; end = buffer.indexOf("\n")) {
        yield buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
      }
    }
    if (buffer) yield buffer;
  })();
}

/**
 * Local addresses of the TCP sockets listening on `port`, from the kernel's socket table
 * (/proc/net/tcp and tcp6): proves where a server listens without connecting anywhere.
 */
export function listeningAddresses(port: number): string[] {
  const LISTEN = "0A";
  const found: string[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== LISTEN) continue;
      const [addressHex, portHex] = local.split(":") as [string, string];
      if (Number.parseInt(portHex, 16) === port) found.push(decodeProcAddress(addressHex));
    }
  }
  return found;
}

/** /proc/net/tcp* addresses are 32-bit words in host (little-endian) order. */
function decodeProcAddress(hex: string): string {
  const bytes = (hex.match(/.{8}/g) ?? [])
    .flatMap((word) => (word.match(/../g) ?? []).reverse())
    .map((pair) => Number.parseInt(pair, 16));
  if (bytes.length === 4) return bytes.join(".");
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
  return groups.join(":");
}
