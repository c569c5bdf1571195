/**
 * The packages as users install them: both tarballs packed by `npm pack`, installed into a fresh
 * project with @waku/sdk, React 19 and their types, then type-checked, imported and run there.
 * Nothing here reads this repo's sources: a broken `.d.ts`, a missing file or dependency, or a
 * bin that does not start fails here, not in a user's app.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { descendants, isAlive, killAll, readLines, waitUntilGone } from "../integration/_fleet-helpers.js";
import {
  type ConsumerProject,
  createConsumerProject,
  filesBelow,
  fleetNodesOf,
  importedPackages,
  installedManifest,
  REPO,
  run,
  startProcessGroup,
  typeCheck,
} from "./_consumer-project.js";
import { readmeFile } from "./_readme.js";

/** The consumer files that must import every public entry of each package. */
const ENTRY_USERS = { "waku-peers": "app.tsx", "waku-peers-fleet": "connect-to-fleet.ts" } as const;
type PackageName = keyof typeof ENTRY_USERS;

let consumer: ConsumerProject;

beforeAll(async () => {
  consumer = await createConsumerProject();
  const { pack, install } = consumer.setupMs;
  console.log(
    `[package] npm pack of both packages ${Math.round(pack)} ms, npm install in the consumer ${Math.round(install)} ms`,
  );
});

afterAll(() => consumer?.remove());

/** Import specifiers of the public entries, from the installed package.json "exports". */
function entrySpecifiers(name: PackageName): string[] {
  return Object.keys(installedManifest(consumer.dir, name).exports)
    .filter((key) => key !== "./package.json")
    .map((key) => (key === "." ? name : `${name}/${key.slice(2)}`));
}

function packageDir(name: PackageName): string {
  return join(consumer.dir, "node_modules", name);
}

describe.each(["waku-peers", "waku-peers-fleet"] as const)("%s as packed", (name) => {
  it("ships a LICENSE (this repo's MIT text), a README and only built files", () => {
    const packed = name === "waku-peers" ? consumer.root : consumer.fleet;
    expect(packed.files).toContain("LICENSE");
    expect(packed.files).toContain("README.md");
    expect(readFileSync(join(packageDir(name), "LICENSE"), "utf8")).toBe(readFileSync(join(REPO, "LICENSE"), "utf8"));
    expect(packed.files.filter((file) => !/^dist\/|^(LICENSE|README\.md|package\.json)$/.test(file))).toEqual([]);
    expect(packed.files.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))).toEqual([]);
  });

  it("depends on exactly the packages its built code imports; peers only for what the app brings", () => {
    const manifest = installedManifest(consumer.dir, name);
    const dependencies = Object.keys(manifest.dependencies ?? {}).sort();
    const peers = Object.keys(manifest.peerDependencies ?? {});
    const runtime = [...importedPackages(packageDir(name), ".js")].filter((pkg) => pkg !== name);
    const types = [...importedPackages(packageDir(name), ".d.ts")].filter((pkg) => pkg !== name);
    // No dependency that the shipped code never imports (the fleet's libp2p stack in the root…).
    expect(dependencies).toEqual(runtime.filter((pkg) => !peers.includes(pkg)).sort());
    // …and nothing imported, at run time or in the types, that the manifest does not bring.
    expect([...runtime, ...types].filter((pkg) => !dependencies.includes(pkg) && !peers.includes(pkg))).toEqual([]);
  });

  it("source maps carry their sources; no declaration maps pointing at unshipped .ts files", () => {
    const files = filesBelow(packageDir(name));
    const maps = files.filter((file) => file.endsWith(".js.map"));
    expect(maps.length).toBeGreaterThan(0);
    for (const file of maps) {
      const map = JSON.parse(readFileSync(join(packageDir(name), file), "utf8")) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      expect(map.sourcesContent?.length, file).toBe(map.sources.length);
      expect(
        map.sourcesContent!.every((content) => typeof content === "string" && content.length > 0),
        file,
      ).toBe(true);
    }
    expect(files.filter((file) => file.endsWith(".d.ts.map"))).toEqual([]);
  });

  it("sideEffects: false for waku-peers (no module of it has any), else a list of files that exist in the package", () => {
    const { sideEffects } = installedManifest(consumer.dir, name);
    if (name === "waku-peers") {
      expect(sideEffects).toBe(false);
      return;
    }
    // The fleet's polyfill, CLI and node entry run code on import: they must be listed, and exist.
    expect(Array.isArray(sideEffects)).toBe(true);
    const files = new Set(filesBelow(packageDir(name)));
    expect((sideEffects as string[]).filter((file) => !files.has(file.replace(/^\.\//, "")))).toEqual([]);
  });

  it(`every public entry is imported by the consumer's ${ENTRY_USERS[name]} and loads under plain Node`, async () => {
    const source = readFileSync(join(consumer.dir, ENTRY_USERS[name]), "utf8");
    const specifiers = entrySpecifiers(name);
    expect(specifiers.length).toBeGreaterThan(0);
    const unused = specifiers.filter(
      (specifier) => !source.includes(`from "${specifier}"`) && !source.includes(`import "${specifier}"`),
    );
    expect(unused, `add an import of each to test/package/consumer/${ENTRY_USERS[name]}`).toEqual([]);
    const script = `for (const s of ${JSON.stringify(specifiers)}) console.log(s, Object.keys(await import(s)).length);`;
    const loaded = await run(process.execPath, ["--input-type=module", "-e", script], consumer.dir);
    expect(loaded.stderr).toBe("");
    expect(
      loaded.stdout
        .trim()
        .split("\n")
        .map((line) => line.split(" ")[0]),
    ).toEqual(specifiers);
  });
});

describe("a strict TypeScript consumer", () => {
  // The app check runs with skipLibCheck off, so the shipped .d.ts files are checked too (the Node
  // check keeps it on: half the time, and the app check already covers our declarations). Errors
  // inside other packages' declarations (a missing @types/debug for @waku/utils, Node types in a
  // browser project) are theirs: only errors in the consumer's code and in our packages count.
  const ours = (file: string) => !file.startsWith("node_modules/") || /^node_modules\/waku-peers(-fleet)?\//.test(file);

  it("a Vite + React 19 app using every entry of waku-peers type-checks (moduleResolution bundler, no Node types)", async () => {
    const { errors } = await typeCheck(consumer.dir, "tsconfig.app.json");
    expect(errors.filter((error) => ours(error.file)).map((error) => error.line)).toEqual([]);
  });

  it("a Node script using waku-peers-fleet and waku-peers/core type-checks and compiles (NodeNext)", async () => {
    const { errors } = await typeCheck(consumer.dir, "tsconfig.node.json");
    expect(errors.filter((error) => ours(error.file)).map((error) => error.line)).toEqual([]);
    expect(filesBelow(join(consumer.dir, "out"))).toContain("connect-to-fleet.js");
  });
});

describe("npx waku-fleet in the consumer", () => {
  it("--nodes 3 --json starts a fleet whose printed light node options connect a light node; Ctrl-C stops it all", async () => {
    // `--no`: never install a registry package of that name; the installed bin must be found.
    // Own process group, so the test can send Ctrl-C the way a terminal does: to the whole group.
    const cli = startProcessGroup("npx", ["--no", "--", "waku-fleet", "--nodes", "3", "--json"], consumer.dir);
    let processes: number[] = [];
    try {
      const lines: string[] = [];
      const started = performance.now();
      for await (const line of readLines(cli.child.stdout)) {
        lines.push(line);
        if (line.includes('"type":"control-api"')) break;
      }
      console.log(`[package] npx waku-fleet: 3 nodes and the control API up in ${Math.round(performance.now() - started)} ms`);
      const parsed = lines.map((line) => JSON.parse(line) as { type: string } & Record<string, unknown>);
      expect(
        parsed.map((line) => line.type),
        cli.stderr(),
      ).toEqual(["node", "node", "node", "light-node-options", "control-api"]);
      const control = parsed[4] as unknown as { url: string; token: string };
      const listed = (await (
        await fetch(`${control.url}/nodes`, { headers: { Authorization: `Bearer ${control.token}` } })
      ).json()) as {
        nodes: { state: string }[];
      };
      expect(listed.nodes.map((node) => node.state)).toEqual(["running", "running", "running"]);

      const linesFile = join(consumer.dir, "fleet.jsonl");
      writeFileSync(linesFile, `${lines.join("\n")}\n`);
      const connected = await run(process.execPath, [join("out", "connect-to-fleet.js"), linesFile], consumer.dir, 90_000);
      expect(connected.code, connected.stderr).toBe(0);
      const report = JSON.parse(connected.stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;
      console.log(`[package] a light node with the printed options: ${JSON.stringify(report)}`);
      expect(report).toMatchObject({ status: "connected", rebuiltEqualsPrinted: true, runningPerControlApi: 3 });

      processes = [cli.child.pid!, ...descendants(cli.child.pid!)];
      expect(processes.length).toBeGreaterThanOrEqual(1 + 3);
      cli.interrupt();
      await cli.exited;
      await waitUntilGone(processes, 10_000);
      expect(processes.filter(isAlive)).toEqual([]);
    } finally {
      cli.kill();
      killAll(processes);
    }
  });
});

describe("the README's 'Test your app against a local Waku network' examples, copied into the consumer", () => {
  /** The consumer's own vitest, without the variables of the vitest that runs this file. */
  const cleanEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(__)?VITEST|^FORCE_COLOR$/.test(key))),
    NO_COLOR: "1",
  };

  it("the vitest global setup and test reach connected on a fleet they start and stop", async () => {
    mkdirSync(join(consumer.dir, "test"), { recursive: true });
    for (const file of ["test/waku-fleet.setup.ts", "test/connection.test.ts"]) {
      writeFileSync(join(consumer.dir, file), readmeFile(file));
    }
    // The one line the README asks to add to the app's vitest.config.ts.
    writeFileSync(
      join(consumer.dir, "vitest.config.ts"),
      [
        'import { defineConfig } from "vitest/config";',
        'export default defineConfig({ test: { globalSetup: ["test/waku-fleet.setup.ts"] } });',
        "",
      ].join("\n"),
    );
    const result = await run(
      process.execPath,
      [join("node_modules", "vitest", "vitest.mjs"), "run"],
      consumer.dir,
      120_000,
      cleanEnv,
    );
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/Tests\s+\S*1 passed/);
    expect(fleetNodesOf(consumer.dir)).toEqual([]);
  });

  it("vite --mode fleet serves the app with the fleet's light node options; Ctrl-C stops the fleet", async () => {
    mkdirSync(join(consumer.dir, "src"), { recursive: true });
    for (const file of ["vite.config.ts", "src/main.tsx"]) writeFileSync(join(consumer.dir, file), readmeFile(file));
    writeFileSync(
      join(consumer.dir, "index.html"),
      '<!doctype html><div id="root"></div><script type="module" src="/src/main.tsx"></script>\n',
    );
    const viteArgs = [join("node_modules", "vite", "bin", "vite.js"), "--mode", "fleet", "--host", "127.0.0.1"];
    const vite = startProcessGroup(process.execPath, viteArgs, consumer.dir, cleanEnv);
    try {
      let url: string | undefined;
      for await (const line of readLines(vite.child.stdout)) {
        url = /Local:\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(line)?.[1];
        if (url) break;
      }
      expect(url, vite.stderr()).toBeDefined();
      expect(fleetNodesOf(consumer.dir)).toHaveLength(3);
      const main = await (await fetch(new URL("src/main.tsx", url))).text();
      const inlined = /"VITE_WAKU_NODE_OPTIONS":\s*("(?:[^"\\]|\\.)*")/.exec(main)?.[1];
      expect(inlined, main.slice(0, 500)).toBeDefined();
      const options = JSON.parse(JSON.parse(inlined!) as string) as { bootstrapPeers: string[]; libp2p: unknown };
      expect(options.bootstrapPeers).toEqual([expect.stringMatching(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\//)]);
      expect(options.libp2p).toMatchObject({ filterMultiaddrs: false });

      const nodes = fleetNodesOf(consumer.dir);
      vite.interrupt();
      await vite.exited;
      await waitUntilGone(nodes, 10_000);
    } finally {
      vite.kill();
      killAll(fleetNodesOf(consumer.dir));
    }
  });
});
