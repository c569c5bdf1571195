// `npm test`: `npm run lint` (Biome's lint and format check, then no line over 130 characters), type-check, then every
// suite (unit, integration against fleet/, browser e2e, the packed packages in a consumer project), then a smoke run of
// each benchmark. Extra arguments go to vitest.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { ensureChromium } from "./chromium.mjs";

function run(label, command, args, env = process.env) {
  console.log(`\n[test] ${label}: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit", env });
  if (result.status !== 0) {
    console.error(`[test] ${label} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

const chromium = ensureChromium();
if (!chromium) process.exit(1);
const env = { ...process.env, CHROMIUM_PATH: chromium };

run("lint", "npm", ["run", "lint"], env);
run("typecheck", "npx", ["tsc", "-p", "tsconfig.json", "--noEmit"], env);
run("vitest", "npx", ["vitest", "run", ...process.argv.slice(2)], env);
if (existsSync("bench/run.ts")) run("bench smoke", "npx", ["tsx", "bench/run.ts", "--smoke"], env);
