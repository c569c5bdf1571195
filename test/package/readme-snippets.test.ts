/**
 * Every `ts` / `tsx` code block of README.md compiles, strict, the way an app would import it:
 * `waku-peers…` and `waku-peers-fleet…` resolve to this repo's sources (mapped from each
 * package.json "exports"), everything else from node_modules. A block is a module of its own;
 * one marked ```tsx fragment is the inside of a component or async function (its imports are
 * lifted out). Both see consumer/readme-prelude.d.ts (App, toast, contentTopic, vite/client).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { FLEET_DIR, REPO, typeCheck } from "./_consumer-project.js";
import { entrySources } from "./_entry-sources.js";
import { type CodeBlock, readmeCodeBlocks } from "./_readme.js";

const OUT = join(REPO, "test-output", "readme-snippets");
const PRELUDE = join(REPO, "test", "package", "consumer", "readme-prelude.d.ts");

/** A module for one block; a fragment becomes the body of an async function, imports lifted. */
function moduleSource(block: CodeBlock): string {
  const header = `// README.md line ${block.line}${block.fragment ? " (fragment)" : ""}\n`;
  if (!block.fragment) return `${header}${block.code}\nexport {};\n`;
  const lines = block.code.split("\n");
  const imports = lines.filter((line) => line.startsWith("import "));
  const body = lines.filter((line) => !line.startsWith("import "));
  return `${header}${imports.join("\n")}\nexport async function readmeFragment(): Promise<void> {\n${body.join("\n")}\n}\n`;
}

/**
 * Where a block is written: a block that presents itself as a file (first line `// src/badge.tsx`)
 * at that path, so blocks import each other as the files of an app do; any other at `line-N`.
 */
function fileOf(block: CodeBlock): string {
  return /^\/\/ ([\w./-]+\.tsx?)(\s|$)/.exec(block.code)?.[1] ?? `line-${block.line}.${block.language}`;
}

/** Compiles the blocks in one program; the errors, each named by its README line. */
async function compile(blocks: readonly CodeBlock[], name: string): Promise<string[]> {
  const dir = join(OUT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = blocks.map((block) => {
    const file = fileOf(block);
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), moduleSource(block));
    return file;
  });
  const paths = Object.fromEntries(
    [...entrySources(REPO), ...entrySources(FLEET_DIR)].map(({ specifier, source }) => [specifier, [relative(dir, source)]]),
  );
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        lib: ["ES2023", "DOM", "DOM.Iterable"],
        module: "ESNext",
        moduleResolution: "bundler",
        jsx: "react-jsx",
        strict: true,
        verbatimModuleSyntax: true,
        isolatedModules: true,
        noEmit: true,
        skipLibCheck: true,
        types: ["node"],
        paths,
      },
      files: [relative(dir, PRELUDE), ...files],
    }),
  );
  const { errors } = await typeCheck(dir, "tsconfig.json");
  return errors.map((error) => {
    const [, file, line, column] = /^(\S+?\.tsx?)\((\d+),(\d+)\)/.exec(error.line) ?? [];
    const block = blocks.find((candidate) => fileOf(candidate) === file);
    if (!block) return error.line;
    const fence = block.line;
    const message = error.line.slice(error.line.indexOf("): ") + 3);
    // Line 1 of a generated module is its header, so file line n is README line fence + n - 1.
    // A fragment's lines moved (imports lifted), so it is named by its fence only.
    const where = block.fragment ? `README.md:${fence} (fragment)` : `README.md:${block.line + Number(line) - 1}:${column}`;
    return `${where}: ${message}`;
  });
}

/**
 * Two blocks that must fail, compiled in the same program as the README's (one tsc run): proof
 * that the check sees errors in a block and in a fragment. Their fences are on lines 1 and 2, where
 * README.md has none.
 */
const MUST_FAIL: readonly CodeBlock[] = [
  {
    line: 1,
    language: "ts",
    fragment: false,
    code: 'import { createPeerManager } from "waku-peers/core";\nconst wrong: number = createPeerManager;',
  },
  { line: 2, language: "tsx", fragment: true, code: "const status = useConnectionStatus();" },
];

describe("README.md code", () => {
  const blocks = readmeCodeBlocks();
  let compiled: Promise<string[]> | undefined;
  const errors = () => (compiled ??= compile([...blocks, ...MUST_FAIL], "readme"));
  const isSelfCheck = (error: string) => /^README\.md:(3:|2 \(fragment\))/.test(error);

  it("has ts/tsx blocks to check (the extraction found them)", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    expect(blocks.some((block) => block.fragment)).toBe(true);
    expect(blocks.some((block) => block.line <= 2)).toBe(false);
  });

  it("every ts / tsx block type-checks, strict, against the packages' public entries", async () => {
    expect((await errors()).filter((error) => !isSelfCheck(error))).toEqual([]);
  });

  it("the check catches a block that does not compile, and a fragment's undeclared name", async () => {
    const selfCheck = (await errors()).filter(isSelfCheck);
    // The block's second line is README line 3: fence on line 1, code from line 2.
    expect(selfCheck.some((error) => error.startsWith("README.md:3:7") && error.includes("TS2322"))).toBe(true);
    expect(selfCheck.some((error) => error.startsWith("README.md:2 (fragment)") && error.includes("useConnectionStatus"))).toBe(
      true,
    );
  });
});
