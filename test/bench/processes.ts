import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
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

/**
 * Which CPUs a bench's servers and its load generator run on, in `taskset`'s list syntax: every server
 * on the last CPU, the load generator on the others, so that no server shares its CPU with autocannon
 * and every server is measured on the same CPU. It does not make identical servers agree: the keys
 * bench's twin of the hashing server shows how far apart they stay, pinned or not.
 */
export interface CpuPlan {
  servers: string;
  load: string;
}

/** The CPUs this process may run on, from /proc (Linux), or undefined where that cannot be read. */
function allowedCpus(): number[] | undefined {
  try {
    const list = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    return list?.split(",").flatMap((range) => {
      const [first, last = first] = range.split("-").map(Number);
      return Array.from({ length: last - first + 1 }, (_, index) => first + index);
    });
  } catch {
    return undefined;
  }
}

/**
 * The plan on this machine, or undefined where pinning is impossible (fewer than two CPUs allowed,
 * not Linux, or no `taskset`, which util-linux provides) or `BENCH_PIN=0` turns it off. The CPUs are
 * those this process may run on, whatever their numbers.
 */
export function cpuPlan(): CpuPlan | undefined {
  const cpus = allowedCpus();
  if (process.env.BENCH_PIN === "0" || !cpus || cpus.length < 2 || spawnSync("taskset", ["--version"]).status !== 0) return undefined;
  return { servers: String(cpus.at(-1)), load: cpus.slice(0, -1).join(",") };
}

/** Moves every thread of this process to `cpus`; the returned function puts them back where they were allowed before. */
export function pinThisProcess(cpus: string): () => void {
  const before = allowedCpus()?.join(",");
  const pin = (list: string) => {
    const result = spawnSync("taskset", ["--all-tasks", "--cpu-list", "--pid", list, String(process.pid)]);
    if (result.status !== 0) throw new Error(`taskset could not pin the bench to CPUs ${list}: ${result.stderr}`);
  };
  pin(cpus);
  return () => {
    if (before) pin(before);
  };
}

export interface SpawnOptions {
  /** Options for `node` itself, before the script. */
  nodeOptions?: string[];
  /** CPUs the process and all its threads may run on (`taskset`'s list syntax, see `cpuPlan`). */
  cpus?: string;
}

/** Starts a Node process and waits for the line that tells where it listens. */
export function spawnListening(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  pattern: RegExp,
  toUrl: (match: RegExpExecArray) => string,
  { nodeOptions = [], cpus }: SpawnOptions = {},
): Promise<Spawned> {
  const command = [process.execPath, ...nodeOptions, script, ...args];
  // taskset executes node in its own process, so `child.pid` is node's: its CPU time stays measurable.
  const [file, ...rest] = cpus ? ["taskset", "--cpu-list", cpus, ...command] : command;
  const child = spawn(file as string, rest, { env, stdio: ["ignore", "pipe", "pipe"] });
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
export async function spawnLatchkey(
  databaseUrl: string,
  name: string,
  env: Record<string, string> = {},
  { cpus }: Pick<SpawnOptions, "cpus"> = {},
): Promise<SpawnedLatchkey> {
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
    { nodeOptions: profilingOptions(), cpus },
  );
  return { ...spawned, verifyUrl: spawned.match[2] };
}
