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
    include: ["server/src/**/*.test.ts", "test/integration/**/*.test.ts", "test/e2e/**/*.test.ts"],
    benchmark: { include: ["test/bench/**/*.bench.ts"] },
    globalSetup: ["test/support/global-setup.ts"],
    // Each file gets its own database and server, so files run in parallel on separate forks.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
