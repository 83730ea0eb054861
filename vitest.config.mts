import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const requireFromServer = createRequire(new URL("./server/package.json", import.meta.url));

export default defineConfig({
  resolve: {
    // graphql ships CJS and ESM builds; Apollo and type-graphql load the CJS one. Point Vite there
    // too, or errors thrown by our code would be a second `GraphQLError` class Apollo does not know.
    alias: [{ find: /^graphql$/, replacement: requireFromServer.resolve("graphql") }],
  },
  test: {
    benchmark: { include: ["test/bench/**/*.bench.ts"] },
    // Each file gets its own database and server, so files run in parallel on separate forks.
    pool: "forks",
    // Every Latchkey process a test starts inherits it: webhooks may connect to loopback addresses only.
    env: { WEBHOOK_EGRESS: "loopback" },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "server",
          include: ["server/src/**/*.test.ts", "test/integration/**/*.test.ts", "test/e2e/**/*.test.ts"],
          globalSetup: ["test/support/global-setup.ts"],
        },
      },
      // The extension's unit tests run on WXT's fake browser, in their own project (extension/**/*.test.ts).
      "extension/vitest.config.mts",
    ],
  },
});
