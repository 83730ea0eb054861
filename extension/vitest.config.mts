import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";
import { WxtVitest } from "wxt/testing/vitest-plugin";

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * The extension's unit tests, a project of the root vitest run. WxtVitest points `wxt/browser` at
 * WXT's in-memory fake browser (storage, messaging, badge), so no real browser is needed here.
 */
export default defineProject({
  root,
  plugins: [WxtVitest({ root })],
  test: {
    name: "extension",
    include: ["lib/**/*.test.ts", "entrypoints/**/*.test.ts"],
  },
});
