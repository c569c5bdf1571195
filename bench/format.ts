import type { MachineInfo } from "./machine.js";
import type { BenchRow } from "./types.js";

function figure(value: number | null, unit: string, capped = false): string {
  if (value === null) return "—";
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${capped ? "≥ " : ""}${value.toFixed(digits)} ${unit}`;
}

function ratioText(row: BenchRow): string {
  if (row.ratio === null) return "—";
  // A capped baseline makes the ratio a lower bound; a capped figure of ours, an upper one.
  const bound = row.baselineCapped ? "≥ " : row.oursCapped ? "≤ " : "";
  const text = row.ratio >= 10 ? row.ratio.toFixed(0) : row.ratio >= 1 ? row.ratio.toFixed(1) : row.ratio.toPrecision(2);
  return `${bound}${text}×`;
}

/** A Markdown table, so the same text goes to the terminal and the README. */
export function formatTable(rows: readonly BenchRow[]): string {
  const header = ["benchmark", "waku-peers", "baseline", "ratio", "goal", "met"];
  const lines = rows.map((row) => [
    row.name,
    figure(row.ours, row.unit, row.oursCapped),
    figure(row.baseline, row.unit, row.baselineCapped),
    ratioText(row),
    row.goal,
    row.met ? "yes" : "no",
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const render = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
  return [render(header), render(widths.map((width) => "-".repeat(width))), ...lines.map(render)].join("\n");
}

/** How each figure was obtained, one bullet per row, to print under the table. */
export function formatNotes(rows: readonly BenchRow[]): string {
  return rows
    .filter((row) => row.note)
    .map((row) => `- **${row.name}**: ${row.note}`)
    .join("\n");
}

/** One line naming the machine, so a table is never quoted without it. */
export function formatMachine(machine: MachineInfo): string {
  return (
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
    `${machine.platform}, load ${machine.loadAverage}, ${machine.date}`
  );
}
