import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../server/src/db/embedded-postgres";
import { TEST_EGRESS } from "../support/egress";
import { graphqlData } from "../support/graphql-client";

const MAIN = path.resolve(__dirname, "../../server/dist/main.js");

interface Started {
  child: ChildProcess;
  output: () => string;
  graphqlUrl: string;
}

/** Runs the real `start` command, as the README's Quick start does, and waits for its banner. */
async function start(dataDir: string, args: string[]): Promise<Started> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LATCHKEY_DATA_DIR: dataDir,
    PORT: "0",
    EMBEDDED_POSTGRES_PORT: String(await freePort()),
    LOG_LEVEL: "warn",
    ...TEST_EGRESS,
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [MAIN, "start", ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const graphqlUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`start timed out:\n${output}`)), 45_000);
    const check = () => {
      const match = /GraphQL at (http:\/\/\S+\/graphql)/.exec(output);
      if (match && (!args.includes("--demo") || /VIEWER .* password: \S+/.test(output))) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on("data", check);
    child.on("exit", (code) => reject(new Error(`start exited with ${code}:\n${output}`)));
  });
  return { child, output: () => output, graphqlUrl };
}

/** How many times a process's main thread has gone to sleep and woken up so far (Linux; null elsewhere). */
async function mainThreadWakeups(pid: number | undefined): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/task/${pid}/status`, "utf8").catch(() => null);
  const switches = status && /^voluntary_ctxt_switches:\s+(\d+)$/m.exec(status);
  return switches ? Number(switches[1]) : null;
}

function stop(started: Started): Promise<number | null> {
  return new Promise((resolve) => {
    started.child.once("exit", (code) => resolve(code));
    started.child.kill("SIGTERM");
  });
}

describe("`latchkey start` on a fresh machine", () => {
  let dataDir: string;
  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`pnpm build\` first (\`pnpm test\` does).`);
    dataDir = await mkdtemp(path.join(os.tmpdir(), "latchkey-e2e-"));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it("brings up embedded PostgreSQL, migrates, seeds a demo, serves GraphQL, stops cleanly on SIGTERM and keeps its data", async () => {
    const first = await start(dataDir, ["--demo"]);
    const password = /OWNER\s+owner@demo\.latchkey\.test\s+password: (\S+)/.exec(first.output())?.[1];
    expect(password, "the demo owner's password is printed").toBeDefined();
    const server = { graphqlUrl: first.graphqlUrl };
    const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { token userErrors { code } } }`;
    const { signIn } = await graphqlData(server, SIGN_IN, { input: { email: "owner@demo.latchkey.test", password } });
    const { viewer } = await graphqlData(
      server,
      `{ viewer { memberships { organization { name locations { totalCount } } role { name permissions } } } }`,
      {},
      signIn.token,
    );
    expect(viewer.memberships).toEqual([
      {
        organization: { name: "Demo Motors", locations: { totalCount: 1 } },
        role: { name: "Owner", permissions: expect.arrayContaining(["ORG_READ", "ORG_DELETE", "AUDIT_READ"]) },
      },
    ]);
    expect(first.output()).toContain("Sign up with:");
    expect(await stop(first), first.output()).toBe(0);

    const second = await start(dataDir, []);
    try {
      const again = await graphqlData({ graphqlUrl: second.graphqlUrl }, SIGN_IN, {
        input: { email: "owner@demo.latchkey.test", password },
      });
      expect(again.signIn.userErrors).toEqual([]);
      // Idle, the main thread sleeps: no timer wakes it a hundred times a second (the event-loop
      // delay metric's default did, a core's 1% spent on nothing), though a few timers do run.
      const before = await mainThreadWakeups(second.child.pid);
      if (before !== null) {
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        const after = (await mainThreadWakeups(second.child.pid)) as number;
        expect((after - before) / 2, "wake-ups a second").toBeLessThan(40);
      }
    } finally {
      expect(await stop(second), second.output()).toBe(0);
    }
  }, 120_000);
});
