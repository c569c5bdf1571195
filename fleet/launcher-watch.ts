/**
 * Notices when a process that launched this one goes away.
 *
 * `npm run fleet` puts `npm`, `sh -c` and tsx's wrapper above the CLI. npm forwards only
 * SIGINT and SIGTERM, and only to `sh`, which dies of it without passing it on; a SIGHUP to
 * npm is forwarded by nobody. Either way the CLI, its nodes and the watchdog would keep
 * running under a launcher that is gone — unless the CLI watches the launchers itself.
 *
 * Watched: the ancestors in this process's own process group, i.e. the job a shell started
 * (npm, sh, tsx), never further up (the user's shell, a terminal multiplexer, a CI runner),
 * so `nohup` and friends keep working. Linux reads /proc; elsewhere the direct parent is
 * watched through `process.ppid`.
 */
import { readFileSync } from "node:fs";

/** How often the launchers are looked at; a stop is noticed within this. */
const POLL_INTERVAL_MS = 250;

interface ProcessStat {
  ppid: number;
  pgrp: number;
  /** Clock ticks after boot; tells a pid reused by another process from the original. */
  startTime: string;
}

/**
 * Calls `onGone` once, with the pid, when the first watched launcher exits. Returns a
 * function that stops watching. The timer never keeps the process alive by itself.
 *
 * @example
 * const unwatch = watchLaunchers((pid) => void shutDown(`launcher ${pid} exited`));
 */
export function watchLaunchers(onGone: (pid: number) => void): () => void {
  const launchers = launcherChain();
  const initialParent = process.ppid;
  const timer = setInterval(() => {
    const gone = launchers ? launchers.find((launcher) => readStat(launcher.pid)?.startTime !== launcher.startTime) : undefined;
    const goneFallback = !launchers && process.ppid !== initialParent ? initialParent : undefined;
    const pid = gone?.pid ?? goneFallback;
    if (pid === undefined) return;
    clearInterval(timer);
    onGone(pid);
  }, POLL_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** Ancestors in our process group, nearest first; undefined without /proc. */
function launcherChain(): { pid: number; startTime: string }[] | undefined {
  const self = readStat(process.pid);
  if (!self) return undefined;
  const chain: { pid: number; startTime: string }[] = [];
  let pid = self.ppid;
  for (let stat = readStat(pid); stat && pid > 1 && stat.pgrp === self.pgrp; stat = readStat(pid)) {
    chain.push({ pid, startTime: stat.startTime });
    pid = stat.ppid;
  }
  return chain;
}

/** /proc/<pid>/stat, or undefined when the process is gone or already a zombie. */
function readStat(pid: number): ProcessStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  if (fields[0] === "Z") return undefined;
  return { ppid: Number(fields[1]), pgrp: Number(fields[2]), startTime: fields[19] ?? "" };
}
