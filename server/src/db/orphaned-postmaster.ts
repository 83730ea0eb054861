import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "../observability/logger";

/** How long PostgreSQL gets for a fast shutdown (open transactions rolled back, then a checkpoint). */
const FAST_SHUTDOWN_MS = 30_000;
/** How long it gets after an immediate shutdown, which skips the checkpoint (recovery runs at the next start). */
const IMMEDIATE_SHUTDOWN_MS = 10_000;

type ProcessState = "running" | "running as another user" | "gone";

/** Whether a process runs. A zombie counts as gone: it has exited and only awaits reaping by its new parent. */
function stateOf(pid: number): ProcessState {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM" ? "running as another user" : "gone";
  }
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8")) ? "gone" : "running";
  } catch {
    return "running";
  }
}

/** A process's arguments: /proc on Linux, `ps` elsewhere (where paths with spaces may split wrongly). */
function argumentsOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    try {
      return execFileSync("ps", ["-o", "command=", "-p", String(pid)], { encoding: "utf8" })
        .trim()
        .split(/\s+/);
    } catch {
      return [];
    }
  }
}

/** Whether `pid` is a postgres server whose data directory (`-D`) is `clusterDir`. */
function isPostmasterOf(pid: number, clusterDir: string): boolean {
  const args = argumentsOf(pid);
  const dataDirAt = args.indexOf("-D");
  return (
    path.basename(args[0] ?? "") === "postgres" && dataDirAt > 0 && path.resolve(args[dataDirAt + 1] ?? "") === path.resolve(clusterDir)
  );
}

/** The parent of a process, or null if it cannot be told. */
function parentOf(pid: number): number | null {
  try {
    // Fields after the command name, which is in parentheses and may hold spaces: state, then ppid.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    try {
      return Number(execFileSync("ps", ["-o", "ppid=", "-p", String(pid)], { encoding: "utf8" }).trim());
    } catch {
      return null;
    }
  }
}

/**
 * The Latchkey (a Node process) that runs the postmaster, or null when it is orphaned: a postmaster
 * whose Node parent died (kill -9, out of memory) has been adopted by init or a subreaper instead.
 */
function owningLatchkey(postmaster: number): number | null {
  const parent = parentOf(postmaster);
  // No exception for PID 1: in a container the Latchkey itself may be PID 1.
  if (!parent || stateOf(parent) === "gone") return null;
  return /^node(js)?(\d+)?(\.exe)?$/.test(path.basename(argumentsOf(parent)[0] ?? "")) ? parent : null;
}

async function exited(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (stateOf(pid) !== "gone") {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/**
 * Clears the way for PostgreSQL on `clusterDir` after a predecessor crashed (kill -9, out of memory)
 * and left its embedded postmaster running, or left a lock file behind. PostgreSQL refuses to start
 * while `postmaster.pid` names a living process, and after a reboot or in a container that PID may
 * well belong to something else. So: a postgres serving this very directory is stopped (fast
 * shutdown, then immediate) unless a living Latchkey still runs it, a lock file naming anything
 * else is removed, and PostgreSQL then starts normally, recovering from its WAL as after any crash.
 */
export async function clearCrashedPredecessor(clusterDir: string, log?: Logger): Promise<void> {
  const lockFile = path.join(clusterDir, "postmaster.pid");
  let lock: string;
  try {
    lock = await readFile(lockFile, "utf8");
  } catch {
    return;
  }
  const pid = Number(lock.split("\n")[0]);
  const state = Number.isInteger(pid) && pid > 0 ? stateOf(pid) : "gone";
  if (state !== "gone" && isPostmasterOf(pid, clusterDir)) {
    if (state === "running as another user")
      throw new Error(`PostgreSQL (PID ${pid}) of another user is running on ${clusterDir}; stop it first.`);
    const owner = owningLatchkey(pid);
    if (owner !== null)
      throw new Error(
        `Another Latchkey (PID ${owner}) is running on ${clusterDir}; stop it first, or give this one its own LATCHKEY_DATA_DIR.`,
      );
    log?.warn({ pid, clusterDir }, "stopping the embedded PostgreSQL that a previous Latchkey process left running");
    process.kill(pid, "SIGINT");
    if (await exited(pid, FAST_SHUTDOWN_MS)) return;
    process.kill(pid, "SIGQUIT");
    if (await exited(pid, IMMEDIATE_SHUTDOWN_MS)) return;
    throw new Error(`The PostgreSQL (PID ${pid}) left running on ${clusterDir} does not stop; stop it and start again.`);
  }
  log?.warn({ pid, clusterDir }, "removing a stale postmaster.pid: no PostgreSQL of this data directory runs under its PID");
  await rm(lockFile, { force: true });
}
