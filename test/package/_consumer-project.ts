// A temporary project that installs the packed tarballs the way an app does: `npm pack` (which
// runs each package's own `prepack` build), then `npm install` of the tarballs next to @waku/sdk,
// React and their types. Versions come from this repo's package.json, so the consumer tests what
// the repo develops against. `--prefer-offline` takes everything `npm ci` already cached.
import { type ChildProcessByStdio, execFile, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import ts from "typescript";

// Paths from the file's own path, not `new URL(…, import.meta.url)`: Vite rewrites that pattern as
// an asset URL when a file is loaded in a DOM test environment (the README's Badge test does).
const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = join(HERE, "..", "..") + sep;
export const FLEET_DIR = join(REPO, "fleet");
const CONSUMER_SOURCES = join(HERE, "consumer");
const TSC = join(REPO, "node_modules", "typescript", "bin", "tsc");

/** What the consumer installs besides the two tarballs, at the versions this repo uses. */
const CONSUMER_PACKAGES = ["@waku/sdk", "@waku/react", "react", "react-dom", "@types/react", "@types/node"] as const;
/**
 * Tools the README's examples run with (`vite --mode fleet`, vitest), linked from this repo rather
 * than installed: they are the app's tooling, not what is under test.
 */
const LINKED_TOOLS = ["vite", "vitest"] as const;

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (killed after `timeoutMs`, a generous ceiling); never rejects. */
export function run(
  command: string,
  args: readonly string[],
  cwd: string,
  timeoutMs = 120_000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, stdout, stderr: error && code === null ? `${stderr}\n${error.message}` : stderr });
      },
    );
  });
}

/** A long-running command in its own process group, so a test can press Ctrl-C the way a terminal does. */
export interface ProcessGroup {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** What it wrote to stderr so far. */
  stderr(): string;
  exited: Promise<void>;
  /** Ctrl-C: SIGINT to every process of the group. */
  interrupt(): void;
  /** SIGKILL to whatever is left of the group; safe to call when it is gone. */
  kill(): void;
}

export function startProcessGroup(command: string, args: readonly string[], cwd: string, env = process.env): ProcessGroup {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // The group is gone already.
    }
  };
  return { child, stderr: () => stderr, exited, interrupt: () => signal("SIGINT"), kill: () => signal("SIGKILL") };
}

export interface PackedPackage {
  name: string;
  tarball: string;
  /** Paths inside the tarball, as `npm pack --json` lists them. */
  files: string[];
}

async function pack(packageDir: string, destination: string): Promise<PackedPackage> {
  const result = await run("npm", ["pack", "--pack-destination", destination, "--json"], packageDir);
  if (result.code !== 0) throw new Error(`npm pack in ${packageDir} failed (${result.code}):\n${result.stderr}`);
  const [report] = JSON.parse(result.stdout) as { name: string; filename: string; files: { path: string }[] }[];
  if (!report) throw new Error(`npm pack in ${packageDir} reported nothing`);
  return { name: report.name, tarball: join(destination, report.filename), files: report.files.map((file) => file.path) };
}

export interface ConsumerProject {
  dir: string;
  root: PackedPackage;
  fleet: PackedPackage;
  /** How long packing and installing took, for the log. */
  setupMs: { pack: number; install: number };
  remove(): void;
}

/** Packs both packages (in parallel) and installs them with their peers into a fresh directory. */
export async function createConsumerProject(): Promise<ConsumerProject> {
  const base = mkdtempSync(join(tmpdir(), "waku-peers-consumer-"));
  const remove = () => rmSync(base, { recursive: true, force: true });
  try {
    const packStarted = performance.now();
    const [root, fleet] = await Promise.all([pack(REPO, base), pack(FLEET_DIR, base)]);
    const packMs = performance.now() - packStarted;

    const dir = join(base, "app");
    cpSync(CONSUMER_SOURCES, dir, { recursive: true });
    const repoManifest = readJson(join(REPO, "package.json")) as { devDependencies: Record<string, string> };
    const versions = Object.fromEntries(CONSUMER_PACKAGES.map((name) => [name, repoManifest.devDependencies[name]]));
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({
        name: "waku-peers-consumer",
        private: true,
        type: "module",
        dependencies: { "waku-peers": `file:${root.tarball}`, ...versions },
        devDependencies: { "waku-peers-fleet": `file:${fleet.tarball}` },
      }),
    );
    const installStarted = performance.now();
    const install = await run(
      "npm",
      ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
      dir,
      240_000,
    );
    if (install.code !== 0) throw new Error(`npm install in the consumer failed (${install.code}):\n${install.stderr}`);
    const installMs = performance.now() - installStarted;
    for (const tool of LINKED_TOOLS) symlinkSync(join(REPO, "node_modules", tool), join(dir, "node_modules", tool), "dir");
    return { dir, root, fleet, setupMs: { pack: packMs, install: installMs }, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

export interface TypeScriptError {
  file: string;
  line: string;
}

/** `tsc -p <project>` with this repo's compiler; the errors it printed, by file. */
export async function typeCheck(dir: string, project: string): Promise<{ code: number | null; errors: TypeScriptError[] }> {
  const result = await run(process.execPath, [TSC, "-p", project], dir);
  const errors = `${result.stdout}\n${result.stderr}`.split("\n").flatMap((line) => {
    const match = /^(\S[^(]*)\(\d+,\d+\): error TS\d+/.exec(line);
    return match ? [{ file: match[1]!, line }] : [];
  });
  if (result.code !== 0 && errors.length === 0)
    throw new Error(`tsc -p ${project} failed without errors:\n${result.stdout}${result.stderr}`);
  return { code: result.code, errors };
}

/** An installed package's manifest. */
export function installedManifest(
  dir: string,
  name: string,
): Record<string, unknown> & {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  exports: Record<string, unknown>;
  sideEffects?: boolean | string[];
} {
  return readJson(join(dir, "node_modules", name, "package.json")) as never;
}

/** Every file below `dir`, relative to it; nested `node_modules` (other packages) left out. */
export function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .filter((path) => !path.split("/").includes("node_modules"));
}

/**
 * Packages the shipped files import (`.js`) or refer to in their types (`.d.ts`, including
 * `/// <reference types>`), by package name; Node built-ins left out. TypeScript's own scanner
 * reads the files, so an import inside a doc comment's example does not count.
 */
export function importedPackages(packageDir: string, extension: ".js" | ".d.ts"): Set<string> {
  const names = new Set<string>();
  for (const file of filesBelow(packageDir).filter((path) => path.endsWith(extension))) {
    const scanned = ts.preProcessFile(readFileSync(join(packageDir, file), "utf8"), true, true);
    for (const { fileName } of [...scanned.importedFiles, ...scanned.typeReferenceDirectives]) {
      if (fileName.startsWith(".") || fileName.startsWith("/") || fileName.startsWith("node:")) continue;
      const parts = fileName.split("/");
      names.add(fileName.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!);
    }
  }
  return names;
}

/** Fleet node processes started from the consumer's installed waku-peers-fleet (from /proc). */
export function fleetNodesOf(dir: string): number[] {
  const entry = join(dir, "node_modules", "waku-peers-fleet", "dist", "node", "main.js");
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes(entry);
      } catch {
        return false;
      }
    })
    .map(Number);
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8"));
}
