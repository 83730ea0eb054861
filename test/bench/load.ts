import { readFileSync } from "node:fs";
import autocannon from "autocannon";

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** CPU time the server process spent per answered request (Linux only): steadier than throughput on a busy machine. */
  cpuMicrosecondsPerRequest?: number;
}

/** User and system CPU time of a process so far, from /proc (clock ticks of 10 ms); undefined elsewhere. */
function cpuMicroseconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

/** Runs autocannon against one endpoint: a warm-up, then the measured run. */
export async function load(options: {
  url: string;
  body?: string;
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
  /** Offered load in requests per second over all connections; unset means as fast as it answers. */
  rate?: number;
  /** The server's process, to measure its CPU time per request. */
  pid?: number;
}): Promise<LoadResult> {
  const run = (duration: number) =>
    autocannon({
      url: options.url,
      method: "POST",
      body: options.body,
      headers: { "content-type": "application/json", ...options.headers },
      connections: options.connections,
      duration,
      ...(options.rate ? { overallRate: options.rate } : {}),
    });
  await run(2);
  const cpuBefore = options.pid ? cpuMicroseconds(options.pid) : undefined;
  const result = await run(options.seconds);
  const cpuAfter = options.pid ? cpuMicroseconds(options.pid) : undefined;
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    ...(cpuBefore !== undefined && cpuAfter !== undefined && result.requests.total
      ? { cpuMicrosecondsPerRequest: Number(((cpuAfter - cpuBefore) / result.requests.total).toFixed(2)) }
      : {}),
  };
}

/**
 * Loads a baseline and a candidate in alternating rounds and compares their median throughput.
 * This machine's throughput drifts by ±20% over seconds; alternating keeps the drift from
 * favouring whichever side happened to run in a good moment.
 */
export async function compare(options: {
  baseline: Parameters<typeof load>[0];
  candidate: Parameters<typeof load>[0];
  rounds: number;
}): Promise<{ baseline: LoadResult; candidate: LoadResult; ratio: number; rounds: Array<{ baseline: number; candidate: number }> }> {
  const baselines: LoadResult[] = [];
  const candidates: LoadResult[] = [];
  for (let round = 0; round < options.rounds; round++) {
    baselines.push(await load(options.baseline));
    candidates.push(await load(options.candidate));
  }
  const median = (results: LoadResult[]) =>
    [...results].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(results.length / 2)];
  const baseline = median(baselines);
  const candidate = median(candidates);
  return {
    baseline,
    candidate,
    ratio: candidate.requestsPerSecond / baseline.requestsPerSecond,
    rounds: baselines.map((result, index) => ({ baseline: result.requestsPerSecond, candidate: candidates[index].requestsPerSecond })),
  };
}

/**
 * Loads several endpoints in alternating rounds and keeps every round's figures, so that ratios can
 * be taken within a round as well as over medians. Each round loads every endpoint once, starting
 * one further along than the round before, so that none always runs right after the same other.
 */
export async function alternate<Name extends string>(options: {
  subjects: Record<Name, Parameters<typeof load>[0]>;
  rounds: number;
}): Promise<{ rounds: Array<Record<Name, LoadResult>>; medians: Record<Name, LoadResult> }> {
  const names = Object.keys(options.subjects) as Name[];
  const rounds: Array<Record<Name, LoadResult>> = [];
  for (let round = 0; round < options.rounds; round++) {
    const results = {} as Record<Name, LoadResult>;
    for (let step = 0; step < names.length; step++) {
      const name = names[(round + step) % names.length];
      results[name] = await load(options.subjects[name]);
    }
    rounds.push(results);
  }
  const medians = {} as Record<Name, LoadResult>;
  for (const name of names) {
    const sorted = rounds.map((round) => round[name]).sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
    medians[name] = sorted[Math.floor(sorted.length / 2)];
  }
  return { rounds, medians };
}
