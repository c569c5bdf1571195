// The public entries of a package in this repo, each with the TypeScript source its "exports"
// target is built from (both packages build with rootDir "." into dist/, so
// `./dist/src/core/index.js` comes from `src/core/index.ts`). Derived, so a new entry in
// package.json needs no second list here.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface EntrySource {
  /** What an app imports: `waku-peers`, `waku-peers/core`… */
  specifier: string;
  /** Absolute path of the .ts/.tsx file behind it. */
  source: string;
}

export function entrySources(packageDir: string): EntrySource[] {
  const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
    name: string;
    exports: Record<string, string | { import?: string }>;
  };
  return Object.entries(manifest.exports).flatMap(([key, target]) => {
    const built = typeof target === "string" ? target : target.import;
    if (!built?.endsWith(".js")) return [];
    const stem = join(packageDir, built.replace(/^\.\/dist\//, "").replace(/\.js$/, ""));
    const source = [`${stem}.ts`, `${stem}.tsx`].find((path) => existsSync(path));
    if (!source) throw new Error(`${manifest.name}: no source for the "${key}" entry (${built})`);
    return [{ specifier: key === "." ? manifest.name : `${manifest.name}/${key.slice(2)}`, source }];
  });
}
