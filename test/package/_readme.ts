// The ts / tsx code blocks of README.md, for the tests that compile and run them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "./_consumer-project.js";

export interface CodeBlock {
  /** 1-based line of the opening fence in README.md. */
  line: number;
  language: "ts" | "tsx";
  /** Marked ```tsx fragment: the inside of a component or function, not a whole file. */
  fragment: boolean;
  code: string;
}

export function readmeCodeBlocks(): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = readFileSync(join(REPO, "README.md"), "utf8").split("\n");
  for (let index = 0; index < lines.length; index++) {
    const fence = /^```(\S*)\s*(.*)$/.exec(lines[index]!);
    if (!fence) continue;
    const start = index;
    while (++index < lines.length && !lines[index]!.startsWith("```"));
    const [, language, info] = fence;
    if (language !== "ts" && language !== "tsx") continue;
    blocks.push({
      line: start + 1,
      language,
      fragment: info!.split(/\s+/).includes("fragment"),
      code: lines.slice(start + 1, index).join("\n"),
    });
  }
  return blocks;
}

/** The block that presents itself as a file: its first line is `// <path>` (a note may follow). */
export function readmeFile(path: string): string {
  const found = readmeCodeBlocks().filter((block) =>
    new RegExp(`^// ${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(\\s|$)`).test(block.code),
  );
  if (found.length !== 1) throw new Error(`README.md has ${found.length} blocks that start with "// ${path}"`);
  return `${found[0]!.code}\n`;
}
