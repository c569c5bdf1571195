// `npm start`: the local fleet (5 nodes, 1 bootstrap) + the playground, until Ctrl-C.
// `npm start -- --public`: the playground against the public Waku network instead.
import "waku-peers-fleet/polyfill";
import { startPlayground } from "../playground/serve.js";

const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== "--public");
if (unknown.length > 0) {
  console.error(`npm start: unknown argument(s) ${unknown.join(" ")}\nusage: npm start [-- --public]`);
  process.exit(2);
}

const playground = await startPlayground({ public: args.includes("--public") });
if (playground.fleet) {
  console.log("Local Waku fleet on 127.0.0.1:");
  for (const node of playground.fleet.nodes) console.log(`  node ${node.index} ${node.role.padEnd(9)} ${node.multiaddr}`);
  console.log(`Control API: ${playground.control?.url} (token ${playground.control?.token})`);
} else {
  console.log("Using the public Waku network (needs internet).");
}
console.log(`\n  waku-peers playground: ${playground.url}\n\nPress Ctrl-C to stop.`);

let closing = false;
const shutdown = () => {
  if (closing) return;
  closing = true;
  playground.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
