// The README's "Testing your components" example, run as written: its two files are taken from
// README.md, their imports of waku-peers entries pointed at this repo's sources (the entries come
// from package.json "exports"), and its tests registered in this file — so the README's example
// cannot drift from what passes.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

import { REPO } from "../../package/_consumer-project.js";
import { entrySources } from "../../package/_entry-sources.js";
import { readmeFile } from "../../package/_readme.js";

const OUT = join(REPO, "test-output", "readme-badge");
const FILES = ["src/badge.tsx", "src/badge.test.tsx"];
const entries = entrySources(REPO);

/** `from "waku-peers/testing"` → `from "../../../src/testing/index.ts"`, relative to where the file is written. */
function pointAtSources(code: string, file: string): string {
  return code.replace(/from "(waku-peers(?:\/[\w/-]+)?)"/g, (_, specifier: string) => {
    const entry = entries.find((candidate) => candidate.specifier === specifier);
    if (!entry) throw new Error(`README ${file}: no package entry "${specifier}"`);
    return `from "./${relative(dirname(join(OUT, file)), entry.source)}"`;
  });
}

for (const file of FILES) {
  mkdirSync(dirname(join(OUT, file)), { recursive: true });
  writeFileSync(join(OUT, file), pointAtSources(readmeFile(file), file));
}
await import(join(OUT, "src/badge.test.tsx"));
