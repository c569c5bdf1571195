// A parent process for the "children die with their parent" tests: starts a fleet, optionally
// freezes some nodes, prints one JSON line with the process ids, then idles until killed.
// Usage: node --import tsx _fleet-parent.ts [--nodes N] [--freeze i]...
import "waku-peers-fleet/polyfill";
import { parseArgs } from "node:util";
import { fleetProcessIds, startFleet } from "waku-peers-fleet";

const { values } = parseArgs({
  options: {
    nodes: { type: "string", default: "2" },
    freeze: { type: "string", multiple: true, default: [] },
  },
});
const fleet = await startFleet({ nodes: Number(values.nodes) });
for (const index of values.freeze) await fleet.freeze(Number(index));
console.log(JSON.stringify({ ready: true, ...fleetProcessIds(fleet), states: fleet.nodes.map((node) => node.state) }));
setInterval(() => undefined, 60_000);
