import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

/** The built CLI: these tests run what users run (`pnpm build` first; `pnpm test` does). */
export const MAIN = path.resolve(__dirname, "../../server/dist/main.js");

export interface StartedCli {
  child: ChildProcess;
  output: () => string;
  graphqlUrl: string;
}

/**
 * Runs `latchkey start` on a data directory with the embedded PostgreSQL, as in development (not
 * NODE_ENV=test, which changes what Apollo does with signals), and waits for its banner.
 */
export async function startCli(dataDir: string, embeddedPort: number): Promise<StartedCli> {
  const { child, output } = spawnCli(dataDir, embeddedPort);
  const graphqlUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`start timed out:\n${output()}`)), 45_000);
    child.stdout?.on("data", () => {
      const match = /GraphQL at (http:\/\/\S+\/graphql)/.exec(output());
      if (!match) return;
      clearTimeout(timer);
      resolve(match[1]);
    });
    child.on("exit", (code, signal) => reject(new Error(`start exited with ${code ?? signal}:\n${output()}`)));
  });
  return { child, output, graphqlUrl };
}

/** Spawns `latchkey start` without waiting for anything. */
export function spawnCli(dataDir: string, embeddedPort: number): Omit<StartedCli, "graphqlUrl"> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "development",
    LATCHKEY_DATA_DIR: dataDir,
    PORT: "0",
    EMBEDDED_POSTGRES_PORT: String(embeddedPort),
    LOG_LEVEL: "warn",
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [MAIN, "start"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  return { child, output: () => output };
}

/** Sends a signal and resolves with how the process ended. */
export function endCli(
  started: Pick<StartedCli, "child">,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (started.child.exitCode !== null || started.child.signalCode !== null) {
      return resolve({ code: started.child.exitCode, signal: started.child.signalCode });
    }
    started.child.once("exit", (code, endedBy) => resolve({ code, signal: endedBy }));
    started.child.kill(signal);
  });
}

/**
 * The postmaster's PID in the embedded cluster's lock file, or null while there is none. initdb's
 * single-user backends write the same file with their PID negated and remove it when they end, and
 * a file being written may still be empty: neither names a postmaster.
 */
export function postmasterPid(dataDir: string): number | null {
  let lock: string;
  try {
    lock = readFileSync(path.join(dataDir, "postgres", "postmaster.pid"), "utf8");
  } catch {
    return null;
  }
  const pid = Number(lock.split("\n")[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** Whether a process runs (a zombie, dead but not yet reaped by its new parent, does not). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return true;
  }
}
