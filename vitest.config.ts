import { defineConfig } from "vitest/config";

// Four suites with different needs: unit tests run in a DOM with fakes at the node
// boundary; integration, e2e and package tests start real processes, so they run one file at a
// time and get generous timeouts (the timings they assert are measured inside the tests).
export default defineConfig({
  // "waku-peers-fleet" resolves to fleet/*.ts through tsconfig.json "paths": no build before a test.
  resolve: { tsconfigPaths: true },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.{ts,tsx}"],
          environment: "happy-dom",
          setupFiles: ["test/setup/unhandled.ts", "test/setup/react-cleanup.ts"],
          // Run @waku/react through Vite so a vi.mock("@waku/sdk") reaches its imports too.
          server: { deps: { inline: ["@waku/react"] } },
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.{ts,tsx}"],
          environment: "node",
          setupFiles: ["fleet/polyfill.ts", "test/setup/unhandled.ts"],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          setupFiles: ["fleet/polyfill.ts", "test/setup/unhandled.ts"],
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          // The packages as users install them (npm pack, a fresh consumer project, the README's
          // code): slow setup, real processes, so one file at a time and generous ceilings.
          name: "package",
          include: ["test/package/**/*.test.ts"],
          // After the other suites, so its builds and installs do not compete with their timings.
          sequence: { groupOrder: 1 },
          environment: "node",
          setupFiles: ["test/setup/unhandled.ts"],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
