import { type ChildProcess, spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { TEST_EGRESS } from "../support/egress";

export interface Spawned {
  child: ChildProcess;
  url: string;
  /** The line that told where it listens, matched. */
  match: RegExpExecArray;
  stop(): Promise<void>;
}

/** Starts a Node process and waits for the line that tells where it listens. */
export function spawnListening(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  pattern: RegExp,
  toUrl: (match: RegExpExecArray) => string,
  nodeOptions: string[] = [],
): Promise<Spawned> {
  const child = spawn(process.execPath, [...nodeOptions, script, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${path.basename(script)} did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = pattern.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        child,
        url: toUrl(match),
        match,
        stop: () =>
          new Promise<void>((done) => {
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${path.basename(script)} exited with ${code}:\n${output}`)));
  });
}

const MAIN = path.resolve(__dirname, "../../server/dist/main.js");

/**
 * `BENCH_CPU_PROFILE_DIR=dir` makes every Latchkey process a bench starts write a V8 CPU profile
 * there when it stops (Node refuses `--cpu-prof` in NODE_OPTIONS). Open it in Chrome's DevTools.
 */
function profilingOptions(): string[] {
  const directory = process.env.BENCH_CPU_PROFILE_DIR;
  return directory ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(directory)}`] : [];
}

/** A spawned Latchkey, with its verify listener's address when `VERIFY_PORT` is set. */
export interface SpawnedLatchkey extends Spawned {
  verifyUrl: string | undefined;
}

/**
 * The built Latchkey server as its own process (`start`), on the given database, quiet and in
 * production mode. Whatever `env` says, its webhooks may connect to loopback addresses only.
 */
export async function spawnLatchkey(databaseUrl: string, name: string, env: Record<string, string> = {}): Promise<SpawnedLatchkey> {
  const spawned = await spawnListening(
    MAIN,
    ["start"],
    {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: "0",
      LOG_LEVEL: "warn",
      NODE_ENV: "production",
      PUBLIC_URL: "http://latchkey.test",
      SCHEDULER_ENABLED: "false",
      LATCHKEY_DATA_DIR: path.join(os.tmpdir(), `latchkey-bench-${name}-${process.pid}`),
      ...env,
      ...TEST_EGRESS,
    },
    // main.ts writes these lines at once; the second only when a verify listener runs.
    /GraphQL at (http:\/\/\S+)\/graphql.*\n(?:Key verification, on a port of its own: POST (http:\/\/\S+)\/v1\/keys\/verify)?/,
    (match) => match[1],
    profilingOptions(),
  );
  return { ...spawned, verifyUrl: spawned.match[2] };
}
