/**
 * Plain-text rendering of fleet nodes for terminals.
 */
import type { Fault, FleetNodeInfo } from "./types.js";

const COLUMNS: readonly { title: string; cell: (node: FleetNodeInfo) => string }[] = [
  { title: "#", cell: (node) => String(node.index) },
  { title: "role", cell: (node) => node.role },
  { title: "state", cell: (node) => node.state },
  { title: "port", cell: (node) => (node.port ? String(node.port) : "-") },
  { title: "peer id", cell: (node) => node.peerId },
  { title: "fault", cell: (node) => formatFault(node.fault) },
  { title: "multiaddr", cell: (node) => node.multiaddr || "-" },
];

export function formatNodeTable(nodes: readonly FleetNodeInfo[]): string {
  const rows = [COLUMNS.map((column) => column.title), ...nodes.map((node) => COLUMNS.map((column) => column.cell(node)))];
  const widths = COLUMNS.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/**
 * A fault as one short cell of text.
 *
 * @example
 * formatFault({ latencyMs: 5, pxFlood: {} }); // 'latencyMs=5,pxFlood={}'
 */
export function formatFault(fault: Fault): string {
  const parts = Object.entries(fault)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === "object" ? JSON.stringify(value) : String(value)}`);
  return parts.length ? parts.join(",") : "-";
}
