import type { BenchRow } from "./types.js";

function figure(value: number | null, unit: string): string {
  if (value === null) return "—";
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`;
}

/** A Markdown table, so the same text goes to the terminal and the README. */
export function formatTable(rows: readonly BenchRow[]): string {
  const header = ["benchmark", "waku-peers", "baseline", "ratio", "goal", "met"];
  const lines = rows.map((row) => [
    row.name,
    figure(row.ours, row.unit),
    figure(row.baseline, row.unit),
    row.ratio === null ? "—" : `${row.ratio.toFixed(row.ratio >= 10 ? 0 : 1)}×`,
    row.goal,
    row.met ? "yes" : "no",
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const render = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
  return [render(header), render(widths.map((width) => "-".repeat(width))), ...lines.map(render)].join("\n");
}
