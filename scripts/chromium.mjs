// Finds Debian's Chromium for the browser tests; nothing here ever downloads a browser build.
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

export function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return CANDIDATES.find((path) => existsSync(path));
}

/**
 * Returns a Chromium path, installing Debian's package when we are root with apt-get.
 * Otherwise explains exactly how to get one and returns undefined.
 */
export function ensureChromium() {
  const found = findChromium();
  if (found) return found;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const hasApt = existsSync("/usr/bin/apt-get");
  if (isRoot && hasApt) {
    console.log("[test] Chromium not found: installing Debian's chromium package (apt-get install -y chromium)…");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: "inherit", env });
    return findChromium();
  }
  console.error(
    [
      "[test] The browser tests need Chromium and none was found.",
      "  Debian/Ubuntu:  sudo apt-get install -y chromium",
      "  Or point CHROMIUM_PATH at an installed Chromium/Chrome binary.",
    ].join("\n"),
  );
  return undefined;
}
