// Finds import cycles among our own modules (src/, fleet/, bench/, playground/), on the
// TypeScript module graph: every static import and re-export, `import type` included (a type-only
// cycle still ties two files together), and every `import("…")` with a literal path. Packages
// are leaves. Run by `npm test` through test/unit/import-cycles.test.ts; `node scripts/import-cycles.mjs`
// prints the cycles and exits 1 when there is one.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const CHECKED_FOLDERS = ["src", "fleet", "bench", "playground"];
const SOURCE = /\.(ts|tsx|mts|mjs|js)$/;
const SKIPPED = new Set(["node_modules", "dist", "results"]);

function sourceFiles(folder) {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((name) => {
    if (SKIPPED.has(name)) return [];
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return SOURCE.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** `./x.js` → the file it names on disk (`./x.ts`, `./x.tsx`, `./x/index.ts`…), or undefined. */
function resolveRelative(from, specifier) {
  const base = resolve(dirname(from), specifier);
  const stem = base.replace(/\.(js|jsx|mjs)$/, "");
  const tries = [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${stem}.mjs`, `${stem}.js`, join(base, "index.ts")];
  return tries.find((path) => existsSync(path) && statSync(path).isFile());
}

export function importGraph(root = ROOT, folders = CHECKED_FOLDERS) {
  const graph = new Map();
  for (const file of folders.flatMap((folder) => sourceFiles(join(root, folder)))) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    const targets = importedFiles
      .map(({ fileName }) => fileName)
      .filter((specifier) => specifier.startsWith("."))
      .map((specifier) => resolveRelative(file, specifier))
      .filter((target) => target !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Strongly connected components with more than one file (or a file importing itself): Tarjan. */
export function findCycles(graph) {
  let index = 0;
  const indices = new Map();
  const lowlinks = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  const visit = (node) => {
    indices.set(node, index);
    lowlinks.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        lowlinks.set(node, Math.min(lowlinks.get(node), lowlinks.get(next)));
      } else if (onStack.has(next)) {
        lowlinks.set(node, Math.min(lowlinks.get(node), indices.get(next)));
      }
    }
    if (lowlinks.get(node) !== indices.get(node)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return cycles;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const graph = importGraph();
  const cycles = findCycles(graph);
  console.log(`${graph.size} modules in ${CHECKED_FOLDERS.join(", ")}; ${cycles.length} import cycle(s)`);
  for (const cycle of cycles) console.log(`  ${cycle.map((file) => relative(ROOT, file)).join(" <-> ")}`);
  process.exit(cycles.length === 0 ? 0 : 1);
}
