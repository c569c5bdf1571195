// @vitest-environment node
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import ts from "typescript";
import { describe, expect, it } from "vitest";

import { CHECKED_FOLDERS, findCycles, importGraph } from "../../scripts/import-cycles.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

describe("the code's shape", () => {
  it(`has no import cycle in ${CHECKED_FOLDERS.join(", ")} (type-only imports included)`, () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(100);
    const cycles = findCycles(graph).map((cycle) => cycle.map((file) => relative(ROOT, file)));
    expect(cycles).toEqual([]);
  });

  it("finds a cycle when there is one (the checker itself can fail)", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", ["a"]],
    ]);
    expect(findCycles(graph)).toEqual([["a", "b", "c"]]);
  });

  it("has no function in src/core longer than 80 lines (nested functions count toward their parent)", () => {
    const lengths = functionLengths(join(ROOT, "src/core"));
    expect(lengths.length).toBeGreaterThan(200);
    const tooLong = lengths.filter((entry) => entry.lines > 80).map((entry) => `${entry.where} (${entry.lines} lines)`);
    expect(tooLong).toEqual([]);
  });
});

interface FunctionLength {
  where: string;
  lines: number;
}

/** Every function-like node (declarations, expressions, arrows, methods, accessors, constructors) and its line count. */
function functionLengths(folder: string): FunctionLength[] {
  const found: FunctionLength[] = [];
  for (const file of typeScriptFiles(folder)) {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
        const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        const name = (node as { name?: ts.Node }).name?.getText(source) ?? "(anonymous)";
        found.push({ where: `${relative(ROOT, file)}:${start + 1} ${name}`, lines: end - start + 1 });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

function typeScriptFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return typeScriptFiles(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}
