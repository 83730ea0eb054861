import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../server/src/db/embedded-postgres";
import { endCli, isRunning, MAIN, postmasterPid, spawnCli, startCli } from "../support/cli";
import { eventually } from "../support/eventually";
import { graphqlData, signUp } from "../support/graphql-client";

const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { token userErrors { code } } }`;

describe("`latchkey start` and its embedded PostgreSQL across crashes and signals", () => {
  const dataDirs: string[] = [];
  const postmasters = new Set<number>();
  const newDataDir = async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "latchkey-e2e-crash-"));
    dataDirs.push(dir);
    return dir;
  };
  /** Notes the cluster's postmaster so that nothing outlives the test, whatever happens. */
  const runningPostmaster = (dataDir: string) => {
    const pid = postmasterPid(dataDir);
    if (pid === null) throw new Error(`no postmaster.pid in ${dataDir}`);
    postmasters.add(pid);
    return pid;
  };

  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`pnpm build\` first (\`pnpm test\` does).`);
  });
  afterAll(async () => {
    for (const pid of postmasters) if (isRunning(pid)) process.kill(pid, "SIGQUIT");
    await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("starts again after kill -9: stops the orphaned postmaster of its data directory, serves, and keeps the data", async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    const first = await startCli(dataDir, port);
    const user = await signUp({ graphqlUrl: first.graphqlUrl }, "Crash Survivor");
    const orphan = runningPostmaster(dataDir);
    expect(await endCli(first, "SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });
    expect(isRunning(orphan)).toBe(true);

    const second = await startCli(dataDir, port);
    try {
      expect(isRunning(orphan)).toBe(false);
      const { signIn } = await graphqlData({ graphqlUrl: second.graphqlUrl }, SIGN_IN, {
        input: { email: user.email, password: user.password },
      });
      expect(signIn.userErrors).toEqual([]);
    } finally {
      runningPostmaster(dataDir);
      expect(await endCli(second, "SIGTERM")).toEqual({ code: 0, signal: null });
    }
  }, 120_000);

  it("stops its PostgreSQL on SIGTERM, and starts despite a stale lock file naming a process that is not its postmaster", async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    const first = await startCli(dataDir, port);
    const postmaster = runningPostmaster(dataDir);
    expect(await endCli(first, "SIGTERM")).toEqual({ code: 0, signal: null });
    await eventually(() => expect(isRunning(postmaster), "the postmaster is still running").toBe(false));
    expect(postmasterPid(dataDir)).toBeNull();

    // As after a crash of the whole machine: the lock file survives, and its PID now belongs to
    // another process (here, this test's own), which must not be mistaken for the postmaster.
    const lockFile = path.join(dataDir, "postgres", "postmaster.pid");
    await writeFile(
      lockFile,
      `${process.pid}\n${path.join(dataDir, "postgres")}\n1700000000\n${port}\n\n127.0.0.1\n  1234567  1\nready   \n`,
    );
    const second = await startCli(dataDir, port);
    try {
      await signUp({ graphqlUrl: second.graphqlUrl }, "After A Stale Lock");
    } finally {
      runningPostmaster(dataDir);
      expect(await endCli(second, "SIGTERM")).toEqual({ code: 0, signal: null });
    }
    expect(isRunning(process.pid)).toBe(true);
  }, 120_000);

  it("refuses to start on the data directory of a Latchkey that is running, and leaves that one serving", async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    const running = await startCli(dataDir, port);
    try {
      const postmaster = runningPostmaster(dataDir);
      const second = await startCli(dataDir, port).then(
        async (started) => `started anyway (${JSON.stringify(await endCli(started, "SIGTERM"))})`,
        (error: Error) => error.message,
      );
      expect(second).toMatch(/another Latchkey \(PID \d+\) is running on/i);
      expect(isRunning(postmaster)).toBe(true);
      await signUp({ graphqlUrl: running.graphqlUrl }, "Still Serving");
    } finally {
      expect(await endCli(running, "SIGTERM")).toEqual({ code: 0, signal: null });
    }
  }, 120_000);

  it("stops its PostgreSQL when SIGTERM comes while it is still starting", async () => {
    const dataDir = await newDataDir();
    const starting = spawnCli(dataDir, await freePort());
    // The lock file appears once PostgreSQL runs; migrations and the rest of start-up follow.
    await eventually(() => expect(postmasterPid(dataDir) !== null || starting.child.exitCode !== null, "PostgreSQL started").toBe(true), {
      timeoutMs: 45_000,
    });
    const postmaster = runningPostmaster(dataDir);
    expect(await endCli(starting, "SIGTERM")).toEqual({ code: 0, signal: null });
    expect(isRunning(postmaster)).toBe(false);
  }, 120_000);
});
