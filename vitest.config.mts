import { defineConfig } from "vitest/config";

export default defineConfig({
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
