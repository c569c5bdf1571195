import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
// @ts-expect-error -- a plain .mjs helper shared with scripts/test.mjs, no type declarations
import { findChromium } from "../../scripts/chromium.mjs";

export const SCREENSHOT_DIR = join(process.cwd(), "test-output", "e2e");

/** Debian's Chromium, headless, with the flags this closed network needs (nothing is downloaded). */
export async function launchChromium(): Promise<Browser> {
  const executablePath = (findChromium as () => string | undefined)();
  if (!executablePath) {
    throw new Error("Chromium not found: install it with `sudo apt-get install -y chromium` or set CHROMIUM_PATH");
  }
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}
