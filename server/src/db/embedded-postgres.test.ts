import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";

/** The build `pnpm test` brings up to date first: a child process runs JavaScript only. */
const BUILT = path.resolve(__dirname, "../../dist/db/embedded-postgres.js");

/** Runs `script` in a Node process of its own and resolves with the code it exits with. */
function exitCodeOf(script: string, env: Record<string, string>): Promise<number | null> {
  const child = spawn(process.execPath, ["-e", script], { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
  let errors = "";
  child.stderr.on("data", (chunk) => {
    errors += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => (errors && code !== 3 ? reject(new Error(errors)) : resolve(code)));
  });
}

// embedded-postgres's exit hooks once ended such a process with 0 whatever its exit code said: a
// failing `vitest run` on the embedded cluster (the README's test command, and CI's) passed.
it("a process that ran an embedded PostgreSQL still ends with the exit code it set", async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "latchkey-exit-code-"));
  try {
    const script = `
      const { startEmbeddedPostgres } = require(${JSON.stringify(BUILT)});
      startEmbeddedPostgres({ dataDir: process.env.DATA_DIR, port: 0, persistent: false })
        .then((database) => database.stop())
        .then(() => { process.exitCode = 3; });
    `;
    expect(await exitCodeOf(script, { DATA_DIR: dataDir })).toBe(3);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}, 60_000);
