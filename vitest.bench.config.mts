import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const requireFromServer = createRequire(new URL("./server/package.json", import.meta.url));

/** Benchmarks: one file at a time, so each has the machine to itself. Not part of `pnpm test`. */
export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: requireFromServer.resolve("graphql") }] },
  test: {
    include: ["test/bench/**/*.bench.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    // Test helpers load server modules with type-graphql decorators (global-id.ts), which need the polyfill first.
    setupFiles: [requireFromServer.resolve("reflect-metadata")],
    fileParallelism: false,
    // Every Latchkey process a test starts inherits it: webhooks may connect to loopback addresses only.
    env: { WEBHOOK_EGRESS: "loopback" },
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
