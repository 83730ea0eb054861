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

/** One autocannon run as autocannon reports it before summarising (`skipAggregateResult`): summaries of several runs can then be merged. */
interface RawRun {
  latencies: string;
  totalCompletedRequests: number;
  errors: number;
  non2xx: number;
  start: Date;
  finish: Date;
}

/** Merges runs made with `skipAggregateResult` (autocannon's own export, missing from its types). */
const aggregateResult = (autocannon as unknown as { aggregateResult(runs: RawRun[], options: { url: string }): autocannon.Result })
  .aggregateResult;

/** A measured stretch of load on one contender. */
interface Slice {
  run: RawRun;
  /** The server's CPU time over the slice, when its process ID is known. */
  cpuMicroseconds?: number;
}

function autocannonRun(options: LoadOptions, seconds: number, skipAggregateResult: boolean) {
  return autocannon({
    // autocannon stops on its sampling tick, a second by default: ticks of the run's own length end it on time.
    sampleInt: Math.min(1000, seconds * 1000),
    url: options.url,
    method: "POST",
    body: options.body,
    headers: { "content-type": "application/json", ...options.headers },
    connections: options.connections,
    duration: seconds,
    skipAggregateResult,
    ...(options.rate ? { overallRate: options.rate } : {}),
  });
}

/** Loads for two seconds, unmeasured: the server's code paths are compiled and its connections opened. */
async function warmUp(options: LoadOptions): Promise<void> {
  await autocannonRun(options, 2, false);
}

/** One measured run of `seconds`. */
async function measureSlice(options: LoadOptions, seconds: number): Promise<Slice> {
  const cpuBefore = options.serverPid ? cpuMicroseconds(options.serverPid) : 0;
  const run = (await autocannonRun(options, seconds, true)) as unknown as RawRun;
  return { run, ...(options.serverPid ? { cpuMicroseconds: cpuMicroseconds(options.serverPid) - cpuBefore } : {}) };
}

/** Several slices of one contender summarised as one run: throughput over their summed time, percentiles over all their requests. */
function summarise(options: LoadOptions, slices: Slice[]): LoadResult & { sliceRequestsPerSecond: number[] } {
  const merged = aggregateResult(
    slices.map(({ run }) => run),
    { url: options.url },
  );
  const milliseconds = (run: RawRun) => new Date(run.finish).getTime() - new Date(run.start).getTime();
  const requests = slices.reduce((sum, { run }) => sum + run.totalCompletedRequests, 0);
  const elapsed = slices.reduce((sum, { run }) => sum + milliseconds(run), 0);
  const cpu = options.serverPid ? slices.reduce((sum, slice) => sum + (slice.cpuMicroseconds ?? 0), 0) : undefined;
  return {
    requestsPerSecond: (requests * 1000) / elapsed,
    p50: merged.latency.p50,
    p99: merged.latency.p99,
    errors: merged.errors,
    non2xx: merged.non2xx,
    sliceRequestsPerSecond: slices.map(({ run }) => Math.round((run.totalCompletedRequests * 1000) / milliseconds(run))),
    ...(cpu === undefined ? {} : { cpuMicrosecondsPerRequest: Math.round(cpu / Math.max(requests, 1)) }),
  };
}

/** Runs autocannon against one endpoint: a warm-up, then the measured run. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  await warmUp(options);
  return summarise(options, [await measureSlice(options, options.seconds)]);
}

/** One round's figures for one side: enough to see drift and tail latency round by round. */
export interface RoundFigures {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  cpuMicrosecondsPerRequest?: number;
  /** Each slice's throughput, when the round was measured in slices (`compareAll`'s `sliceSeconds`). */
  sliceRequestsPerSecond?: number[];
}

function roundFigures(
  { requestsPerSecond, p50, p99, cpuMicrosecondsPerRequest }: LoadResult,
  sliceRequestsPerSecond: number[],
): RoundFigures {
  return {
    requestsPerSecond: Math.round(requestsPerSecond),
    p50,
    p99,
    ...(cpuMicrosecondsPerRequest === undefined ? {} : { cpuMicrosecondsPerRequest }),
    ...(sliceRequestsPerSecond.length > 1 ? { sliceRequestsPerSecond } : {}),
  };
}

/** The round with the median throughput (its latencies with it), as the summary of several rounds. */
function medianByThroughput(results: LoadResult[]): LoadResult {
  return [...results].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(results.length / 2)];
}

/**
 * Slices of load short enough that two contenders measured one after the other see the machine at
 * much the same speed: on this machine a server's speed swings by a third from one second to the
 * next, and a single stretch per contender per round made those swings a ratio's noise. Long enough
 * that opening the connections weighs nothing in a slice's figures.
 */
export const SLICE_SECONDS = 0.5;

/** How a contender's measured time is cut: `count` slices of `seconds`. */
interface SlicePlan {
  count: number;
  seconds: number;
}

function slicePlan(options: LoadOptions, sliceSeconds: number | undefined): SlicePlan {
  if (!sliceSeconds) return { count: 1, seconds: options.seconds };
  // autocannon's offered rate is a budget per second from each connection's start: in a slice of
  // another length it would be spent too fast or not at all, so a rate-limited load is sliced in
  // whole seconds.
  if (options.rate) {
    const seconds = Math.max(1, Math.round(sliceSeconds));
    return { count: Math.max(1, Math.round(options.seconds / seconds)), seconds };
  }
  const count = Math.max(1, Math.round(options.seconds / sliceSeconds));
  return { count, seconds: options.seconds / count };
}

/** A contender's load, or a function that prepares it afresh each round (say, a token that expires). */
export type Contender = LoadOptions | (() => Promise<LoadOptions>);

/**
 * Loads several contenders in alternating rounds and summarises each by its median round. This
 * machine's speed swings by a third within seconds; alternating keeps the swings from favouring
 * whichever side happened to run in a good moment. With `sliceSeconds`, each round's measured time is
 * cut into slices of that length, taken in turn (each contender once per turn, the order reversed every
 * other turn), so that contenders next to each other in `contenders` are measured within a slice of
 * each other, not a round apart; a round's throughput is over all its slices and its percentiles
 * over all their requests. Sliced, each contender warms up once at the start of a round; unsliced,
 * right before it is measured.
 */
export async function compareAll<Name extends string>(options: {
  contenders: Record<Name, Contender>;
  rounds: number;
  sliceSeconds?: number;
}): Promise<{ medians: Record<Name, LoadResult>; rounds: Array<Record<Name, RoundFigures>>; failures: Record<Name, number> }> {
  const names = Object.keys(options.contenders) as Name[];
  const results = new Map<Name, LoadResult[]>(names.map((name) => [name, []]));
  const rounds: Array<Record<Name, RoundFigures>> = [];
  for (let round = 0; round < options.rounds; round++) {
    const prepared = new Map<Name, LoadOptions>();
    for (const name of names) {
      const contender: Contender = options.contenders[name];
      const loadOptions = typeof contender === "function" ? await contender() : contender;
      prepared.set(name, loadOptions);
      // Unsliced, each contender warms up right before it is measured (below).
      if (options.sliceSeconds) await warmUp(loadOptions);
    }
    const plans = new Map<Name, SlicePlan>(names.map((name) => [name, slicePlan(prepared.get(name) as LoadOptions, options.sliceSeconds)]));
    const turns = Math.max(...[...plans.values()].map((plan) => plan.count));
    const slices = new Map<Name, Slice[]>(names.map((name) => [name, []]));
    for (let turn = 0; turn < turns; turn++) {
      for (const name of turn % 2 === 0 ? names : [...names].reverse()) {
        const loadOptions = prepared.get(name) as LoadOptions;
        const plan = plans.get(name) as SlicePlan;
        // A contender with fewer slices than there are turns has them spread evenly over the turns.
        const taken = slices.get(name) as Slice[];
        if (taken.length === plan.count || Math.floor((taken.length * turns) / plan.count) !== turn) continue;
        if (!options.sliceSeconds) await warmUp(loadOptions);
        taken.push(await measureSlice(loadOptions, plan.seconds));
      }
    }
    const figures = {} as Record<Name, RoundFigures>;
    for (const name of names) {
      const { sliceRequestsPerSecond, ...result } = summarise(prepared.get(name) as LoadOptions, slices.get(name) ?? []);
      results.get(name)?.push(result);
      figures[name] = roundFigures(result, sliceRequestsPerSecond);
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
export async function compare(options: { baseline: Contender; candidate: Contender; rounds: number; sliceSeconds?: number }): Promise<{
  baseline: LoadResult;
  candidate: LoadResult;
  ratio: number;
  rounds: Array<{ baseline: RoundFigures; candidate: RoundFigures }>;
}> {
  const { medians, rounds } = await compareAll({
    contenders: { baseline: options.baseline, candidate: options.candidate },
    rounds: options.rounds,
    sliceSeconds: options.sliceSeconds,
  });
  return {
    baseline: medians.baseline,
    candidate: medians.candidate,
    ratio: medians.candidate.requestsPerSecond / medians.baseline.requestsPerSecond,
    rounds,
  };
}
