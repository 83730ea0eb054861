import { readFileSync } from "node:fs";
import autocannon from "autocannon";

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** CPU time (user + system) the server process spent per answered request, when `serverPid` is given. */
  cpuMicrosecondsPerRequest?: number;
}

export interface LoadOptions {
  url: string;
  body?: string;
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
  /** Offered load in requests per second over all connections; unset means as fast as it answers. */
  rate?: number;
  /**
   * The server's process ID, to measure its CPU time per request. On a shared, noisy machine CPU per
   * request barely moves while throughput swings, so it shows where a change helps.
   */
  serverPid?: number;
}

/** Linux reports process times in clock ticks, 100 a second on every common configuration. */
const CLOCK_TICKS_PER_SECOND = 100;

/** The CPU time (user + system) a process has used so far, in microseconds, from /proc/<pid>/stat. */
function cpuMicroseconds(pid: number): number {
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  const [userTicks, systemTicks] = [Number(fields[11]), Number(fields[12])];
  return ((userTicks + systemTicks) * 1_000_000) / CLOCK_TICKS_PER_SECOND;
}

/** Runs autocannon against one endpoint: a warm-up, then the measured run. */
export async function load(options: LoadOptions): Promise<LoadResult> {
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
  const cpuBefore = options.serverPid ? cpuMicroseconds(options.serverPid) : 0;
  const result = await run(options.seconds);
  const cpu = options.serverPid ? cpuMicroseconds(options.serverPid) - cpuBefore : undefined;
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    ...(cpu === undefined ? {} : { cpuMicrosecondsPerRequest: Math.round(cpu / Math.max(result.requests.total, 1)) }),
  };
}

/** One round's figures for one side: enough to see drift and tail latency round by round. */
export interface RoundFigures {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  cpuMicrosecondsPerRequest?: number;
}

function roundFigures({ requestsPerSecond, p50, p99, cpuMicrosecondsPerRequest }: LoadResult): RoundFigures {
  return { requestsPerSecond, p50, p99, ...(cpuMicrosecondsPerRequest === undefined ? {} : { cpuMicrosecondsPerRequest }) };
}

/** The round with the median throughput (its latencies with it), as the summary of several rounds. */
function medianByThroughput(results: LoadResult[]): LoadResult {
  return [...results].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(results.length / 2)];
}

/** A contender's load, or a function that prepares it afresh each round (say, a token that expires). */
export type Contender = LoadOptions | (() => Promise<LoadOptions>);

/**
 * Loads several contenders in alternating rounds (each once per round, in the order given) and
 * summarises each by its median round. This machine's throughput drifts by ±20% over seconds;
 * alternating keeps the drift from favouring whichever side happened to run in a good moment.
 */
export async function compareAll<Name extends string>(options: {
  contenders: Record<Name, Contender>;
  rounds: number;
}): Promise<{ medians: Record<Name, LoadResult>; rounds: Array<Record<Name, RoundFigures>>; failures: Record<Name, number> }> {
  const names = Object.keys(options.contenders) as Name[];
  const results = new Map<Name, LoadResult[]>(names.map((name) => [name, []]));
  const rounds: Array<Record<Name, RoundFigures>> = [];
  for (let round = 0; round < options.rounds; round++) {
    const figures = {} as Record<Name, RoundFigures>;
    for (const name of names) {
      const contender = options.contenders[name];
      const result = await load(typeof contender === "function" ? await contender() : contender);
      results.get(name)?.push(result);
      figures[name] = roundFigures(result);
    }
    rounds.push(figures);
  }
  const medians = {} as Record<Name, LoadResult>;
  // Errors and non-2xx answers over all rounds, not only the median one.
  const failures = {} as Record<Name, number>;
  for (const name of names) {
    const all = results.get(name) ?? [];
    medians[name] = medianByThroughput(all);
    failures[name] = all.reduce<number>((sum, result) => sum + result.errors + result.non2xx, 0);
  }
  return { medians, rounds, failures };
}

/** A baseline and a candidate in alternating rounds (see `compareAll`), with the ratio of their median throughput. */
export async function compare(options: { baseline: Contender; candidate: Contender; rounds: number }): Promise<{
  baseline: LoadResult;
  candidate: LoadResult;
  ratio: number;
  rounds: Array<{ baseline: RoundFigures; candidate: RoundFigures }>;
}> {
  const { medians, rounds } = await compareAll({
    contenders: { baseline: options.baseline, candidate: options.candidate },
    rounds: options.rounds,
  });
  return {
    baseline: medians.baseline,
    candidate: medians.candidate,
    ratio: medians.candidate.requestsPerSecond / medians.baseline.requestsPerSecond,
    rounds,
  };
}
