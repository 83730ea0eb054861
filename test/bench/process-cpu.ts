import { readdirSync, readFileSync } from "node:fs";

/** Linux reports process times in clock ticks, 100 a second on every common configuration. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces): field 3 is index 0. */
function statFields(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? null;
  } catch {
    return null;
  }
}

const ticks = (fields: string[], ...indexes: number[]) => indexes.reduce((sum, index) => sum + Number(fields[index]), 0);
const microseconds = (clockTicks: number) => (clockTicks * 1_000_000) / CLOCK_TICKS_PER_SECOND;

/** The CPU time (user + system) a process has used so far, in microseconds. */
export function processCpuMicroseconds(pid: number): number {
  const fields = statFields(pid);
  return fields ? microseconds(ticks(fields, 11, 12)) : 0;
}

/**
 * The CPU time a process and its children have used so far, in microseconds: its own, that of
 * the children it has reaped, and that of those still running. For PostgreSQL's postmaster this
 * is the whole server: every backend is its child.
 */
export function processTreeCpuMicroseconds(pid: number): number {
  const own = statFields(pid);
  if (!own) return 0;
  let total = ticks(own, 11, 12, 13, 14);
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields && Number(fields[1]) === pid) total += ticks(fields, 11, 12);
  }
  return microseconds(total);
}

/** The PostgreSQL server (postmaster) listening on a port of this machine, found by its command line. */
export function postmasterOnPort(port: number): number | null {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      const portAt = args.indexOf("-p");
      if (args[0]?.endsWith("/postgres") && portAt >= 0 && args[portAt + 1] === String(port)) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return null;
}
