import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { isRunning } from "../../../test/support/cli";

/** The build `pnpm test` brings up to date first: a child process runs JavaScript only. */
const BUILT = path.resolve(__dirname, "../../dist/db/embedded-postgres.js");
/** Longer than starting a cluster takes, shorter than the test's own limit: a hung child is killed. */
const CHILD_LIMIT_MS = 45_000;

/** Runs `script` in a Node process of its own; resolves with its exit code and what it printed. */
function run(script: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["-e", script], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: CHILD_LIMIT_MS,
  });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, output }));
  });
}

async function withDataDir(test: (dataDir: string) => Promise<void>) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "latchkey-exit-code-"));
  try {
    await test(dataDir);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

// embedded-postgres's exit hooks once ended such a process with 0 whatever its exit code said: a
// failing `vitest run` on the embedded cluster (the README's test command, and CI's) passed.
it(
  "a process that ran an embedded PostgreSQL still ends with the exit code it set",
  () =>
    withDataDir(async (dataDir) => {
      const script = `
      const { startEmbeddedPostgres } = require(${JSON.stringify(BUILT)});
      startEmbeddedPostgres({ dataDir: process.env.DATA_DIR, port: 0, persistent: false })
        .then((database) => database.stop())
        .then(() => { process.exitCode = 3; });
    `;
      const { code, output } = await run(script, { DATA_DIR: dataDir });
      expect(output).toBe("");
      expect(code).toBe(3);
    }),
  60_000,
);

it(
  "a process that exits with its cluster running keeps its exit code and shuts the cluster down",
  () =>
    withDataDir(async (dataDir) => {
      const script = `
      const { readFileSync } = require("node:fs");
      const { startEmbeddedPostgres } = require(${JSON.stringify(BUILT)});
      startEmbeddedPostgres({ dataDir: process.env.DATA_DIR, port: 0, persistent: false }).then(() => {
        // The postmaster's PID is the first line of postmaster.pid in the cluster's directory.
        process.stdout.write(readFileSync(process.env.DATA_DIR + "/postgres/postmaster.pid", "utf8").split("\\n")[0]);
        process.exit(4);
      });
    `;
      const { code, output } = await run(script, { DATA_DIR: dataDir });
      expect(code).toBe(4);
      const postmaster = Number(output);
      expect(postmaster).toBeGreaterThan(0);
      // A fast shutdown takes well under a second; what this waits for is the postmaster's own exit.
      try {
        await expect.poll(() => isRunning(postmaster), { timeout: 15_000, interval: 50 }).toBe(false);
      } finally {
        // Left running, it would outlive the test: an immediate shutdown.
        if (isRunning(postmaster)) process.kill(postmaster, "SIGQUIT");
      }
    }),
  60_000,
);
