// In this repo `waku-peers-fleet` resolves to the fleet's sources through tsconfig.json "paths"
// (tsc, tsx and Vite read them), while consumers get fleet/package.json "exports" (dist). The
// two lists must name the same entries, or one side imports what the other cannot resolve.
import { join, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { entrySources } from "./_entry-sources.js";
import { FLEET_DIR, REPO } from "./_consumer-project.js";

describe("the fleet package in this repo", () => {
  it("tsconfig paths map every export of waku-peers-fleet to the source it is built from, and nothing else", () => {
    const { config, error } = ts.readConfigFile(join(REPO, "tsconfig.json"), ts.sys.readFile);
    expect(error).toBeUndefined();
    const paths = (config as { compilerOptions: { paths: Record<string, string[]> } }).compilerOptions.paths;
    const fromPaths = Object.entries(paths)
      .filter(([specifier]) => specifier === "waku-peers-fleet" || specifier.startsWith("waku-peers-fleet/"))
      .map(([specifier, targets]) => ({ specifier, source: targets.map((target) => resolve(REPO, target)) }));
    const fromExports = entrySources(FLEET_DIR).map(({ specifier, source }) => ({ specifier, source: [source] }));
    const bySpecifier = (a: { specifier: string }, b: { specifier: string }) => a.specifier.localeCompare(b.specifier);
    expect(fromPaths.sort(bySpecifier)).toEqual(fromExports.sort(bySpecifier));
  });
});
