// Fails when a tracked source file has a line longer than the width Biome formats to (130): the formatter does not break long
// strings, template literals, test names, comments or JSX text, so this catches what it leaves. No dependencies.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const MAX = 130;
const files = execFileSync("git", ["ls-files", "-z", "*.ts", "*.tsx", "*.mjs", "*.js"], { encoding: "utf8" })
  .split("\0")
  .filter(Boolean);

let over = 0;
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    continue; // tracked but deleted in the work tree
  }
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const length = [...lines[i]].length;
    if (length > MAX) {
      console.log(`${file}:${i + 1}: ${length} chars`);
      over++;
    }
  }
}

if (over > 0) {
  console.error(`check-line-width: ${over} line(s) over ${MAX} characters in ${files.length} files`);
  process.exit(1);
}
console.log(`check-line-width: ${files.length} files, no line over ${MAX} characters`);
